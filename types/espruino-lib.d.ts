// ES2015+ library members that Espruino 2v29 really implements (the /*JSON{...}*/ wrapper declarations in Espruino
// src/jswrap_array.c, jswrap_string.c, jswrap_object.c, jswrap_math.c, jswrap_arraybuffer.c, jswrap_promise.c),
// layered over TypeScript's lib.es5.d.ts. Anything not declared here or in lib.es5 (Map, Set, Symbol, Array.from,
// Number.isInteger, Math.trunc, Object.freeze ...) is a type error in protocol/ and firmware/.
// A few ES5 members Espruino lacks (reduceRight, lastIndexOf, toPrecision, toExponential, localeCompare) cannot be
// removed from lib.es5; the Espruino gate (scripts/check-espruino.ts) rejects them in the bundle.

interface Array<T> {
  find(predicate: (value: T, index: number, obj: T[]) => unknown): T | undefined;
  findIndex(predicate: (value: T, index: number, obj: T[]) => unknown): number;
  fill(value: T, start?: number, end?: number): this;
  includes(searchElement: T, fromIndex?: number): boolean;
}

interface ReadonlyArray<T> {
  find(predicate: (value: T, index: number, obj: readonly T[]) => unknown): T | undefined;
  findIndex(predicate: (value: T, index: number, obj: readonly T[]) => unknown): number;
  includes(searchElement: T, fromIndex?: number): boolean;
}

interface String {
  startsWith(searchString: string, position?: number): boolean;
  endsWith(searchString: string, endPosition?: number): boolean;
  includes(searchString: string, position?: number): boolean;
  repeat(count: number): string;
  padStart(maxLength: number, fillString?: string): string;
  padEnd(maxLength: number, fillString?: string): string;
  replaceAll(searchValue: string, replaceValue: string): string;
}

interface ObjectConstructor {
  assign<T extends {}, U>(target: T, source: U): T & U;
  values<T>(o: { [s: string]: T }): T[];
  entries<T>(o: { [s: string]: T }): [string, T][];
  setPrototypeOf(o: any, proto: object | null): any;
}

interface Math {
  sign(x: number): number;
}

interface Uint8Array {
  includes(searchElement: number, fromIndex?: number): boolean;
  /** On Espruino typed-array slice returns a plain Array (use copyBytes from protocol/bytes.ts for a copy). */
  slice(start?: number, end?: number): number[];
}

interface PromiseConstructor {
  readonly prototype: Promise<any>;
  new <T>(executor: (resolve: (value: T | PromiseLike<T>) => void, reject: (reason?: any) => void) => void): Promise<T>;
  all<T>(values: readonly (T | PromiseLike<T>)[]): Promise<T[]>;
  resolve(): Promise<void>;
  resolve<T>(value: T | PromiseLike<T>): Promise<Awaited<T>>;
  reject<T = never>(reason?: any): Promise<T>;
}
declare var Promise: PromiseConstructor;

