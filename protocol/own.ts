// Own-member lookups for tables indexed by names that come from outside (a configuration, a sample, a console line).
// A plain `table[name]` finds Object.prototype members: "toString" or "constructor" would look like known entries, and
// "__proto__" is the prototype link itself (in Node and on Espruino), never an entry.
//
// Tables filled from such names key them as '#' + name instead, so that no key is a prototype member at all.

const HAS_OWN = Object.prototype.hasOwnProperty;

/** True when `key` is an own member of `table`; "__proto__" never is. */
export function hasOwn(table: object, key: string): boolean {
  return key !== '__proto__' && HAS_OWN.call(table, key);
}

/** The entry of `table` under `key`, or undefined when `table` has no own member of that name. */
export function lookup<T>(table: { [key: string]: T }, key: string): T | undefined {
  return hasOwn(table, key) ? table[key] : undefined;
}
