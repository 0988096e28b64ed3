// Errors carry a stable machine code next to the human message. On Espruino, built-in error classes are not
// `instanceof Error` and `extends Error` is broken (Espruino src/jswrap_error.c declares Error, SyntaxError,
// TypeError, InternalError and ReferenceError as unrelated native classes), so callers classify errors by `code`.

export interface CodedError extends Error {
  code: string;
}

/** An Error whose `message` is the human text alone; the machine code travels in `code` (see errorText to show both). */
export function codedError(code: string, message: string): CodedError {
  const e = new Error(message) as CodedError;
  e.code = code;
  return e;
}

/** The code of anything thrown, or 'EXCEPTION' for foreign errors. */
export function errorCode(e: unknown): string {
  if (e && typeof (e as CodedError).code === 'string') return (e as CodedError).code;
  return 'EXCEPTION';
}

export function errorMessage(e: unknown): string {
  if (e && typeof (e as Error).message === 'string') return (e as Error).message;
  return String(e);
}

/** "CODE: message" for display (console, status, logs); the message alone for errors without a code. */
export function errorText(e: unknown): string {
  if (e && typeof (e as CodedError).code === 'string') return (e as CodedError).code + ': ' + errorMessage(e);
  return errorMessage(e);
}

/** One problem found in a configuration: where (a path such as "devices[1].address") and what. */
export interface FieldError {
  path: string;
  message: string;
}

/** "path: message", for display. */
export function fieldErrorText(e: FieldError): string {
  return e.path + ': ' + e.message;
}
