// A strict JSON text reader for the stored configuration: RFC 8259 without recursion, nesting bounded, ASCII only,
// duplicate keys and "__proto__" reported by path, and integer literals read exactly (Espruino's JSON.parse does not
// read decimals exactly, so a literal with a fraction or exponent is handed over as NaN for the caller to report).
// The same bytes give the same value or the same error on Espruino and Node.

import { lookup } from '../own';

/** Deepest nesting of objects and arrays (the configuration itself needs 7). */
export const MAX_DEPTH = 32;

type Obj = { [k: string]: unknown };

/** The JSON path of member `key` of the value at `path` ('' is the root). */
export function memberPath(path: string, key: string): string {
  return path === '' ? key : path + '.' + key;
}

/** The JSON path of element `i` of the array at `path`. */
export function elementPath(path: string, i: number): string {
  return path + '[' + i + ']';
}

interface Frame {
  obj: Obj | null;
  arr: unknown[] | null;
  path: string;
  key: string;
  keys: { [k: string]: boolean };
}

/** Escape letter -> character code (JSON's short escapes). */
const ESCAPES: { [c: string]: number } = { '"': 34, '\\': 92, '/': 47, b: 8, f: 12, n: 10, r: 13, t: 9 };

class JsonReader {
  text: string;
  pos: number;
  fatal: string;
  errors: string[];
  constructor(text: string) {
    this.text = text;
    this.pos = 0;
    this.fatal = '';
    this.errors = [];
  }

  code(): number {
    return this.pos < this.text.length ? this.text.charCodeAt(this.pos) : -1;
  }

  fail(message: string): void {
    if (this.fatal !== '') return;
    let line = 1;
    let col = 1;
    for (let i = 0; i < this.pos && i < this.text.length; i++) {
      if (this.text.charCodeAt(i) === 10) {
        line++;
        col = 1;
      } else col++;
    }
    const c = this.code();
    const why = c > 126 ? 'only ASCII text is allowed' : c < 0 ? 'unexpected end of text, ' + message : message;
    this.fatal = 'config text line ' + line + ', column ' + col + ': ' + why;
  }

  ws(): void {
    for (;;) {
      const c = this.code();
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return;
      this.pos++;
    }
  }

  hex4(at: number): number {
    let v = 0;
    for (let i = at; i < at + 4; i++) {
      const c = i < this.text.length ? this.text.charCodeAt(i) : -1;
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1;
      if (d < 0) return -1;
      v = v * 16 + d;
    }
    return v;
  }

  /** A string starting at the opening quote; null after a fatal error. */
  string(): string | null {
    const t = this.text;
    let out = '';
    this.pos++;
    let start = this.pos;
    for (;;) {
      const c = this.code();
      if (c === 34) {
        out += t.substring(start, this.pos);
        this.pos++;
        return out;
      }
      if (c === 92) {
        out += t.substring(start, this.pos);
        const e = this.pos + 1 < t.length ? t.charAt(this.pos + 1) : '';
        if (e === 'u') {
          const v = this.hex4(this.pos + 2);
          if (v < 0) {
            this.fail('expected 4 hex digits after \\u');
            return null;
          }
          // Configuration text is ASCII; Espruino on the ESP32 would cut a wider code to 8 bits.
          if (v > 127) {
            this.fail('\\u escape of a non-ASCII character (configuration text is ASCII only)');
            return null;
          }
          out += String.fromCharCode(v);
          this.pos += 6;
        } else {
          const v = lookup(ESCAPES, e);
          if (v === undefined) {
            this.fail('unknown escape in a string');
            return null;
          }
          out += String.fromCharCode(v);
          this.pos += 2;
        }
        start = this.pos;
        continue;
      }
      if (c < 0) {
        this.fail('unterminated string');
        return null;
      }
      if (c < 32) {
        this.fail('control character in a string (write it as an escape)');
        return null;
      }
      if (c > 126) {
        this.fail('only ASCII text is allowed');
        return null;
      }
      this.pos++;
    }
  }

  digits(): number {
    const from = this.pos;
    for (;;) {
      const c = this.code();
      if (c < 48 || c > 57) return this.pos - from;
      this.pos++;
    }
  }

  /** An integer literal's exact value; NaN for a literal with a fraction or exponent (rejected by the value scan). */
  number(): number {
    let neg = false;
    if (this.code() === 45) {
      neg = true;
      this.pos++;
    }
    const first = this.code();
    if (first < 48 || first > 57) {
      this.fail('expected a digit');
      return NaN;
    }
    let v = 0;
    if (first === 48) {
      this.pos++;
      const c = this.code();
      if (c >= 48 && c <= 57) {
        this.fail('leading zeros are not allowed');
        return NaN;
      }
    } else {
      for (;;) {
        const c = this.code();
        if (c < 48 || c > 57) break;
        v = v * 10 + (c - 48);
        this.pos++;
      }
    }
    let decimal = false;
    if (this.code() === 46) {
      decimal = true;
      this.pos++;
      if (this.digits() === 0) {
        this.fail('expected a digit after the decimal point');
        return NaN;
      }
    }
    const e = this.code();
    if (e === 101 || e === 69) {
      decimal = true;
      this.pos++;
      const sign = this.code();
      if (sign === 43 || sign === 45) this.pos++;
      if (this.digits() === 0) {
        this.fail('expected a digit in the exponent');
        return NaN;
      }
    }
    if (decimal) return NaN;
    return neg ? -v : v;
  }

  literal(word: string, value: unknown): unknown {
    if (this.text.substring(this.pos, this.pos + word.length) !== word) {
      this.fail('expected a value');
      return null;
    }
    this.pos += word.length;
    return value;
  }

  /** A member key and its colon; false after a fatal error. */
  key(f: Frame): boolean {
    this.ws();
    if (this.code() !== 34) {
      this.fail('expected a key in double quotes');
      return false;
    }
    const k = this.string();
    if (k === null) return false;
    this.ws();
    if (this.code() !== 58) {
      this.fail("expected ':' after a key");
      return false;
    }
    this.pos++;
    f.key = k;
    return true;
  }

  childPath(stack: Frame[]): string {
    if (stack.length === 0) return '';
    const f = stack[stack.length - 1];
    return f.obj !== null ? memberPath(f.path, f.key) : elementPath(f.path, (f.arr as unknown[]).length);
  }

  store(f: Frame, value: unknown): void {
    if (f.arr !== null) {
      f.arr.push(value);
      return;
    }
    const p = memberPath(f.path, f.key);
    if (f.key === '__proto__') this.errors.push(p + ': "__proto__" is not allowed as a key');
    else if (f.keys['#' + f.key]) this.errors.push(p + ': duplicate key');
    else (f.obj as Obj)[f.key] = value;
    f.keys['#' + f.key] = true;
  }

  /** The whole text as one value; check `fatal` afterwards. */
  read(): unknown {
    const stack: Frame[] = [];
    for (;;) {
      this.ws();
      const c = this.code();
      let value: unknown = null;
      let complete = true;
      if (c === 123 || c === 91) {
        if (stack.length >= MAX_DEPTH) {
          this.fail('nested deeper than ' + MAX_DEPTH + ' levels');
          return null;
        }
        const isObject = c === 123;
        const f: Frame = {
          obj: isObject ? {} : null,
          arr: isObject ? null : [],
          path: this.childPath(stack),
          key: '',
          keys: {},
        };
        this.pos++;
        this.ws();
        if (this.code() === (isObject ? 125 : 93)) {
          this.pos++;
          value = isObject ? f.obj : f.arr;
        } else {
          stack.push(f);
          if (isObject && !this.key(f)) return null;
          complete = false;
        }
      } else if (c === 34) value = this.string();
      else if (c === 45 || (c >= 48 && c <= 57)) value = this.number();
      else if (c === 116) value = this.literal('true', true);
      else if (c === 102) value = this.literal('false', false);
      else if (c === 110) value = this.literal('null', null);
      else {
        this.fail('expected a value');
        return null;
      }
      if (this.fatal !== '') return null;
      if (!complete) continue;
      // The value may complete its container, and that one the next: close as far as the text says.
      for (;;) {
        if (stack.length === 0) {
          this.ws();
          if (this.pos < this.text.length) {
            this.fail('unexpected text after the configuration');
            return null;
          }
          return value;
        }
        const f = stack[stack.length - 1];
        this.store(f, value);
        this.ws();
        const d = this.code();
        if (d === 44) {
          this.pos++;
          if (f.obj !== null && !this.key(f)) return null;
          break;
        }
        if (d !== (f.obj !== null ? 125 : 93)) {
          this.fail(f.obj !== null ? "expected ',' or '}'" : "expected ',' or ']'");
          return null;
        }
        this.pos++;
        value = f.obj !== null ? f.obj : f.arr;
        stack.pop();
      }
    }
  }
}

/**
 * Reads JSON text strictly (RFC 8259, ASCII only, nesting <= MAX_DEPTH). `fatal` is the first syntax error with line
 * and column ('' when the text is well-formed); `errors` are path-named problems that do not stop reading (duplicate
 * keys, "__proto__"). Integer literals are exact; a literal with a fraction or exponent becomes NaN, which the value
 * scan reports as a decimal to write as a string.
 */
export function readConfigJson(text: string): { value: unknown; fatal: string; errors: string[] } {
  const reader = new JsonReader(text);
  reader.ws();
  if (reader.pos === text.length) return { value: null, fatal: 'config text: empty', errors: [] };
  const value = reader.read();
  return { value: reader.fatal === '' ? value : null, fatal: reader.fatal, errors: reader.errors };
}
