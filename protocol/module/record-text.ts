// Text in records is ASCII and never carries a measured value through decimal conversion: status words are written
// in hex with integer arithmetic, other characters as \uXXXX escapes.
const HEX = '0123456789abcdef';

/** "0x0000abcd" for a status word (0..2^32-1), integer arithmetic only. */
export function hexWord(n: number): string {
  let v = n;
  let s = '';
  for (let i = 0; i < 8; i++) {
    const d = v % 16;
    s = HEX.charAt(d) + s;
    v = (v - d) / 16;
  }
  return '0x' + s;
}

/** `s` with every character outside ASCII written as \uXXXX. */
export function asciiText(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) out += s.charAt(i);
    else out += '\\u' + HEX.charAt((c >> 12) & 15) + HEX.charAt((c >> 8) & 15) + HEX.charAt((c >> 4) & 15) + HEX.charAt(c & 15);
  }
  return out;
}
