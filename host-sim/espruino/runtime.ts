// What every simulated peripheral needs from the running sandbox: its time, its realm's constructors (values handed
// to firmware code must be the sandbox's own Uint8Array/ArrayBuffer, or `instanceof` fails), and a way to call
// firmware callbacks the way Espruino does (an exception is reported as "Uncaught ..." and execution goes on).
import type { TimeSource } from './time';

export interface Realm {
  Uint8Array: Uint8ArrayConstructor;
  ArrayBuffer: ArrayBufferConstructor;
  Error: ErrorConstructor;
}

export interface Runtime {
  time: TimeSource;
  realm: Realm;
  /** Calls a firmware callback; exceptions are reported, not thrown. */
  invoke(fn: (...args: any[]) => unknown, args: unknown[]): void;
}

/** A minimal event emitter with Espruino's `on`/`removeAllListeners` surface. */
export class Listeners {
  private readonly byEvent = new Map<string, ((...args: any[]) => void)[]>();

  on(event: string, fn: (...args: any[]) => void): void {
    const list = this.byEvent.get(event) ?? [];
    list.push(fn);
    this.byEvent.set(event, list);
  }

  removeAllListeners(event?: string): void {
    if (event === undefined) this.byEvent.clear();
    else this.byEvent.delete(event);
  }

  count(event: string): number {
    return (this.byEvent.get(event) ?? []).length;
  }

  emit(runtime: Runtime, event: string, args: unknown[]): void {
    for (const fn of [...(this.byEvent.get(event) ?? [])]) runtime.invoke(fn, args);
  }
}
