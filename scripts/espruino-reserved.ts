// Names Espruino's lexer takes as keywords although standard JavaScript does not (src/jslex.c, jslGetNextToken:
// `of`, `static`, `let` and `undefined` are LEX_R_* tokens there), so a variable, parameter, function or class of that
// name is a SyntaxError on the device (`var undefined` is silently not declared). esbuild's minifier avoids keywords,
// strict-mode reserved words (so `let` and `static`) and every name a module of the bundle references as an unbound
// global (esbuild internal/renamer/renamer.go, ComputeReservedNames); it never gets as far as `undefined`, but it does
// pick `of`. So every module gets one unbound reference to `of`, in a function that tree shaking removes.
import type { Plugin } from 'esbuild';
import { readFileSync } from 'node:fs';

/** Espruino 2v29's keywords beyond standard JavaScript's. */
export const ESPRUINO_EXTRA_RESERVED_WORDS = ['of', 'static', 'let', 'undefined'];

/**
 * Every word Espruino's lexer turns into a keyword token (src/jslex.c, jslGetNextToken). Where its parser wants a name
 * token (class members, getter and setter names) none of these is accepted, although JavaScript allows them there.
 */
export const ESPRUINO_KEYWORDS = ESPRUINO_EXTRA_RESERVED_WORDS.concat([
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'extends',
  'false', 'finally', 'for', 'function', 'if', 'in', 'instanceof', 'new', 'null', 'return', 'super', 'switch', 'this',
  'throw', 'true', 'try', 'typeof', 'var', 'void', 'while',
]);

/** Appended to a module's source: keeps esbuild from naming anything `of`, and leaves no code in the bundle. */
export const RESERVE_ESPRUINO_WORDS = '\nfunction __espruinoReservedWords() {\n  return of;\n}\n';

/** esbuild plugin that appends RESERVE_ESPRUINO_WORDS to every TypeScript and JavaScript file of the bundle. */
export const reserveEspruinoWords: Plugin = {
  name: 'espruino-reserved-words',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?[jt]s$/, namespace: 'file' }, (args) => ({
      contents: readFileSync(args.path, 'utf8') + RESERVE_ESPRUINO_WORDS,
      loader: /ts$/.test(args.path) ? 'ts' : 'js',
    }));
  },
};
