// Assigning `.length` (scripts/espruino-gate.ts, assignedLengthMember) does not do on Espruino 2v29 what it does in V8:
// on an Array, `arguments` included, it throws "TypeError: Assignment to a constant" (the name jspGetNamedFieldInParents
// in src/jsparse.c returns for an array's length is flagged JSV_CONSTANT, and jsvReplaceWith in src/jsvar.c refuses to
// assign a constant); on a typed array or ArrayBuffer it throws the Error jsvReplaceWith gives for any new property;
// on a string it is ignored and on a function it sets the value. V8 arrays cannot be made to refuse it without
// breaking push and splice, so the sandbox rewrites each such assignment in the code it runs: `x.length = v` becomes
// `LENGTH_TARGET(x).length = v`, where LENGTH_TARGET (defined by the sandbox's prelude) returns x itself for any other
// value and, for those types, a stand-in whose `length` reads x's and whose setter does what Espruino does. The object
// and the value are evaluated in the same order as before, and the error comes after the value, as on Espruino. A key
// computed at run time (`x[k] = v` with k === 'length') is not rewritten.
import { createHash } from 'node:crypto';
import { parse, type Node } from 'acorn';
import { assignedLengthMember, walk } from '../../scripts/espruino-gate';

/** The global through which rewritten assignments pass (non-enumerable, defined by the sandbox prelude). */
export const LENGTH_TARGET = '__espruinoLengthTarget';

/** Rewrites of code long enough to be booted repeatedly (bundles, modules), by SHA-256. */
const rewritten = new Map<string, string>();

/** `code` with every `.length` assignment routed through LENGTH_TARGET; unchanged when it has none or does not parse. */
export function reproduceLengthAssignments(code: string): string {
  if (!code.includes('length')) return code;
  const key = code.length > 4096 ? createHash('sha256').update(code).digest('hex') : '';
  const known = key ? rewritten.get(key) : undefined;
  if (known !== undefined) return known;
  let ast: Node;
  try {
    ast = parse(code, { ecmaVersion: 'latest', sourceType: 'script' });
  } catch {
    return code; // V8 reports the syntax error itself
  }
  // Insertions: an opening call before each assigned member's object, a closing parenthesis after it.
  // (`(a, b).length` needs its own parentheses inside the call; `super.length` cannot be passed and stays as it is.)
  const edits: { at: number; text: string; closing: boolean; order: number }[] = [];
  walk(ast as Node & { [k: string]: any }, (node) => {
    const member = assignedLengthMember(node) as (Node & { object: Node }) | null;
    if (!member || member.object.type === 'Super') return;
    const sequence = member.object.type === 'SequenceExpression';
    const order = edits.length; // the walk reaches an enclosing object before the ones inside it
    edits.push({ at: member.object.start, text: LENGTH_TARGET + (sequence ? '((' : '('), closing: false, order });
    edits.push({ at: member.object.end, text: sequence ? '))' : ')', closing: true, order });
  });
  // Applied from the end backwards; text inserted at a position goes before what was inserted there earlier. So at one
  // position: closing texts after opening ones (one object ends where another starts), an inner object's opening text
  // first and its closing text last (it sits inside the enclosing object's).
  edits.sort((a, b) => b.at - a.at || Number(a.closing) - Number(b.closing) || (a.closing ? a.order - b.order : b.order - a.order));
  let out = code;
  for (const e of edits) out = out.slice(0, e.at) + e.text + out.slice(e.at);
  if (key) rewritten.set(key, out);
  return out;
}
