// What Espruino 2v29 lacks compared with Node (espruino.md §2.3). One list, used by the build gate
// (scripts/espruino-gate.ts) to reject code and by the sandbox (sandbox.ts) to remove the same things.

/** Globals Espruino 2v29 does not have. */
export const MISSING_GLOBALS = [
  'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry', 'Symbol', 'Proxy', 'Reflect', 'BigInt',
  'BigInt64Array', 'BigUint64Array', 'TextEncoder', 'TextDecoder', 'queueMicrotask', 'setImmediate', 'RangeError',
  'encodeURI', 'escape', 'unescape', 'structuredClone', 'Intl', 'Atomics', 'SharedArrayBuffer',
];

/** Static members Espruino 2v29 lacks, by owner. */
export const MISSING_STATICS: { [owner: string]: string[] } = {
  Array: ['from', 'of'],
  Object: ['freeze', 'seal', 'is', 'isFrozen', 'isSealed', 'preventExtensions', 'isExtensible', 'getOwnPropertySymbols'],
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

/** Prototype methods Espruino 2v29 lacks, by the constructor whose prototype carries them in V8. */
export const MISSING_METHODS_BY_OWNER: { [owner: string]: string[] } = {
  String: ['trimStart', 'trimEnd', 'codePointAt', 'localeCompare', 'normalize', 'matchAll', 'at', 'search'],
  Array: ['at', 'flat', 'flatMap', 'findLast', 'findLastIndex', 'reduceRight', 'copyWithin', 'lastIndexOf',
    'entries', 'keys', 'values'],
  TypedArray: ['at', 'findLast', 'findLastIndex', 'entries', 'keys', 'values', 'copyWithin', 'lastIndexOf',
    'reduceRight', 'toLocaleString'],
  Number: ['toPrecision', 'toExponential'],
  Promise: ['finally'],
  Date: ['setUTCFullYear', 'setUTCMonth', 'setUTCDate', 'setUTCHours', 'setUTCMinutes', 'setUTCSeconds',
    'setUTCMilliseconds', 'toLocaleString', 'toDateString', 'toTimeString'],
};

/**
 * Method names the gate rejects by name wherever they appear. Names that also exist on another Espruino type
 * (lastIndexOf/entries/keys/values exist on String or Object) are only removed in the sandbox, not rejected by name.
 */
export const MISSING_METHOD_NAMES = [
  'trimStart', 'trimEnd', 'codePointAt', 'localeCompare', 'normalize', 'matchAll', 'at', 'flat', 'flatMap',
  'findLast', 'findLastIndex', 'reduceRight', 'copyWithin', 'finally', 'toPrecision', 'toExponential',
  'setUTCFullYear', 'setUTCMonth', 'setUTCDate', 'setUTCHours', 'setUTCMinutes', 'setUTCSeconds',
  'setUTCMilliseconds', 'setUTCDay',
];

export const ERROR_CLASSES = ['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError',
  'URIError', 'AggregateError'];
