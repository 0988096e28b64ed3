// What Espruino 2v29 lacks compared with Node (absent from the /*JSON{...}*/ wrapper declarations in Espruino
// src/jswrap_*.c). One list, used by the build gate (scripts/espruino-gate.ts) to reject code and by the sandbox
// (sandbox.ts) to remove the same things.

/** Globals Espruino 2v29 does not have. */
export const MISSING_GLOBALS = [
  'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry', 'Symbol', 'Proxy', 'Reflect', 'BigInt',
  'BigInt64Array', 'BigUint64Array', 'TextEncoder', 'TextDecoder', 'queueMicrotask', 'setImmediate', 'RangeError',
  'encodeURI', 'decodeURI', 'escape', 'unescape', 'structuredClone', 'Intl', 'Atomics', 'SharedArrayBuffer',
  // Espruino's error classes are Error, SyntaxError, TypeError, InternalError and ReferenceError (jswrap_error.c).
  'EvalError', 'URIError', 'AggregateError',
];

/** Typed-array constructors: none has the static from/of (jswrap_arraybuffer.c declares no static methods). */
const TYPED_ARRAYS = ['Uint8Array', 'Int8Array', 'Uint8ClampedArray', 'Uint16Array', 'Int16Array', 'Uint32Array',
  'Int32Array', 'Float32Array', 'Float64Array'];

/** Static members Espruino 2v29 lacks, by owner. */
export const MISSING_STATICS: { [owner: string]: string[] } = {
  Array: ['from', 'of'],
  Object: ['freeze', 'seal', 'is', 'isFrozen', 'isSealed', 'preventExtensions', 'isExtensible', 'getOwnPropertySymbols',
    'hasOwn', 'groupBy'],
  Number: ['isInteger', 'isFinite', 'isNaN', 'isSafeInteger', 'parseFloat', 'parseInt', 'MAX_SAFE_INTEGER',
    'MIN_SAFE_INTEGER', 'EPSILON'],
  Math: ['trunc', 'log2', 'log10', 'fround', 'imul', 'hypot', 'cbrt', 'clz32', 'expm1', 'log1p', 'sinh', 'cosh',
    'tanh', 'asinh', 'acosh', 'atanh'],
  Date: ['UTC'],
  Promise: ['race', 'allSettled', 'any'],
  String: ['fromCodePoint', 'raw'],
  process: ['nextTick', 'uptime', 'hrtime'],
  ArrayBuffer: ['isView'],
};
// The gate checks these per constructor. In V8 they are inherited from %TypedArray% (not own properties of
// Uint8Array etc.), so removing them in the sandbox has to happen on %TypedArray% itself.
for (const t of TYPED_ARRAYS) MISSING_STATICS[t] = ['from', 'of'];

/** Prototype methods Espruino 2v29 lacks, by the constructor whose prototype carries them in V8. */
export const MISSING_METHODS_BY_OWNER: { [owner: string]: string[] } = {
  String: ['trimStart', 'trimEnd', 'trimLeft', 'trimRight', 'codePointAt', 'localeCompare', 'normalize', 'matchAll',
    'at', 'search', 'isWellFormed', 'toWellFormed', 'toLocaleUpperCase', 'toLocaleLowerCase'],
  Array: ['at', 'flat', 'flatMap', 'findLast', 'findLastIndex', 'reduceRight', 'copyWithin', 'lastIndexOf',
    'entries', 'keys', 'values', 'toReversed', 'toSorted', 'toSpliced', 'with', 'toLocaleString'],
  // slice exists on Espruino but returns a plain Array (ArrayBufferView.slice is Array's slice, jswrap_arraybuffer.c):
  // removed so that nothing depends on it. Use copyBytes (protocol/bytes.ts).
  TypedArray: ['at', 'findLast', 'findLastIndex', 'entries', 'keys', 'values', 'copyWithin', 'lastIndexOf',
    'reduceRight', 'toLocaleString', 'toReversed', 'toSorted', 'with', 'slice'],
  Number: ['toPrecision', 'toExponential', 'toLocaleString'],
  Promise: ['finally'],
  Date: ['setUTCFullYear', 'setUTCMonth', 'setUTCDate', 'setUTCHours', 'setUTCMinutes', 'setUTCSeconds',
    'setUTCMilliseconds', 'toLocaleString', 'toDateString', 'toTimeString', 'toLocaleDateString',
    'toLocaleTimeString'],
  // jswrap_dataview.c has no 64-bit accessors (and there is no BigInt).
  DataView: ['getBigInt64', 'getBigUint64', 'setBigInt64', 'setBigUint64'],
  // No Espruino class has a toLocale* method.
  Object: ['toLocaleString'],
};

/**
 * Method names the gate rejects by name wherever they appear. Names that also exist on another Espruino type
 * (lastIndexOf/entries/keys/values exist on String or Object) and `with` (too common a word for a method
 * of one's own) are only removed in the sandbox, not rejected by name.
 */
export const MISSING_METHOD_NAMES = [
  'trimStart', 'trimEnd', 'trimLeft', 'trimRight', 'codePointAt', 'localeCompare', 'normalize', 'matchAll', 'at',
  'isWellFormed', 'toWellFormed', 'flat', 'flatMap', 'findLast', 'findLastIndex', 'reduceRight', 'copyWithin',
  'toReversed', 'toSorted', 'toSpliced', 'finally', 'toPrecision', 'toExponential', 'setUTCFullYear', 'setUTCMonth',
  'setUTCDate', 'setUTCHours', 'setUTCMinutes', 'setUTCSeconds', 'setUTCMilliseconds', 'setUTCDay',
  'toLocaleString', 'toLocaleDateString', 'toLocaleTimeString', 'toLocaleUpperCase', 'toLocaleLowerCase',
  'getBigInt64', 'getBigUint64', 'setBigInt64', 'setBigUint64',
];

export const ERROR_CLASSES = ['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError',
  'URIError', 'AggregateError'];
