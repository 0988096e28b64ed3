// Constructs that V8 runs normally but Espruino 2v29 does not, and that the sandbox cannot reproduce inside a V8
// context (measured on the real interpreter): names that are keywords to Espruino's lexer, class members it cannot
// parse, a class expression naming itself (the name is not bound in its body), instance field initializers (evaluated
// once, on the prototype). The sandbox refuses to boot code that uses them instead of running it as Node would.
import { createHash } from 'node:crypto';
import { checkEspruinoCode } from '../../scripts/espruino-gate';

export const UNREPRODUCED_RULES = ['espruino-reserved-word', 'member-name', 'class-self-reference', 'class-instance-field'];

// Bundles are booted many times (every reset): check each text once.
const checked = new Map<string, string[]>();

/** The unreproducible constructs in `code`, as "rule at line:column: construct", or [] when there are none. */
export function unreproducedConstructs(code: string): string[] {
  const key = createHash('sha256').update(code).digest('hex');
  let found = checked.get(key);
  if (!found) {
    found = checkEspruinoCode(code)
      .filter((v) => UNREPRODUCED_RULES.includes(v.rule))
      .map((v) => v.rule + ' at ' + v.line + ':' + (v.column + 1) + ': ' + v.construct);
    checked.set(key, found);
  }
  return found;
}
