// Assigning `.length` in the Espruino-profile sandbox does what it does on Espruino 2v29, not what it does in V8: an
// Array's (or `arguments`') length is a constant there, a typed array takes no new property, a string ignores the
// assignment, a function takes it. Each case is compared with the real interpreter.
import { describe, expect, it } from 'vitest';
import { EspruinoMachine } from '../../host-sim/espruino/sandbox';
import { VirtualTime } from '../../host-sim/espruino/time';
import { LENGTH_TARGET, reproduceLengthAssignments } from '../../host-sim/espruino/length-assignment';
import { conformanceBundle, firmwareStorageFiles } from '../../host-sim/espruino/bundle';
import { runScript } from '../gate/interpreter';

function machine(): EspruinoMachine {
  const m = new EspruinoMachine({ time: new VirtualTime(0) });
  m.boot('var booted = true;');
  return m;
}

/** Each statement runs inside try/catch; what it prints is compared between the sandbox and the real interpreter. */
const CASES = [
  'var a = [1, 2, 3]; a.length = 1; out.push(a.join());',
  'var a = [1, 2, 3]; a.length = 0; out.push(a.join());',
  'var a = [1, 2, 3]; a.length += 1; out.push(a.length);',
  'var a = [1, 2, 3]; a.length--; out.push(a.length);',
  'var a = [1, 2, 3]; --a.length; out.push(a.length);',
  'var a = [1, 2, 3]; a["length"] = 1; out.push(a.join());',
  'var a = "a,b,c".split(","); a.length = 1; out.push(a.join());',
  'var o = { list: [1, 2] }; var n = 0; o.list.length = (n = 5); out.push(n);',
  'var a = [1, 2]; for (a.length in { x: 1 }) {} out.push(a.join());',
  '(function () { arguments.length = 0; out.push(arguments.length); })(1, 2);',
  'var u = new Uint8Array(4); u.length = 1; out.push(u.length);',
  'var f = new Float64Array(2); f.length++; out.push(f.length);',
  'var b = new ArrayBuffer(4); b.length = 1; out.push(b.byteLength);',
  'var s = "abc"; s.length = 1; out.push(s.length);',
  'var g = function (x, y) {}; g.length = 5; out.push(g.length);',
  'var o = { length: 3 }; o.length = 1; o.length += 4; o["length"]++; out.push(o.length);',
  'var o = { get length() { return 2; }, set length(v) { out.push("set " + v); } }; o.length = 4;',
  'var d = new DataView(new ArrayBuffer(2)); d.length = 1; out.push(d.length);',
  'var a = [1, 2, 3]; a.splice(1); out.push(a.join());',
];

const probe = '"use strict"; var out = [];\n' + CASES.map((c) =>
  'try { ' + c + ' } catch (e) { out.push((e instanceof TypeError ? "TypeError: " : "Error: ") + e.message); }\n').join('');

describe('assigning .length in the sandbox', () => {
  it('throws, is ignored or sets the value exactly where the real interpreter does', async () => {
    const m = machine();
    const inSandbox = m.evaluate(probe + 'out.join("\\n")') as string;
    expect(inSandbox.split('\n')).toEqual([
      'TypeError: Assignment to a constant',
      'TypeError: Assignment to a constant',
      'TypeError: Assignment to a constant',
      'TypeError: Assignment to a constant',
      'TypeError: Assignment to a constant',
      'TypeError: Assignment to a constant',
      'TypeError: Assignment to a constant',
      'TypeError: Assignment to a constant',
      'TypeError: Assignment to a constant',
      'TypeError: Assignment to a constant',
      'Error: Field or method "length" does not already exist, and can\'t create it on Uint8Array',
      'Error: Field or method "length" does not already exist, and can\'t create it on Float64Array',
      'Error: Field or method "length" does not already exist, and can\'t create it on ArrayBuffer',
      '3',
      '5',
      '6',
      'set 4',
      '1',
      '1',
    ]);
    expect(await runScript(probe + 'print(out.join("\\n"));')).toEqual({ output: inSandbox + '\n', completed: true });
  });

  it('leaves the array as it was, evaluating the value first', () => {
    const m = machine();
    expect(m.evaluate('var n = 0, a = [1, 2, 3]; try { a.length = (n = 1); } catch (e) {} [n, a.length, a.join()]')).toEqual([
      1, 3, '1,2,3',
    ]);
  });

  it('stops a booted bundle with the TypeError, and reports it from a callback as uncaught', () => {
    const time = new VirtualTime(0);
    const m = new EspruinoMachine({ time });
    expect(() => m.boot('var list = [1, 2]; list.length = 0;')).toThrow(expect.objectContaining({
      name: 'TypeError',
      message: 'Assignment to a constant',
    }));
    m.boot('var list = [1, 2]; setTimeout(function () { list.length = 0; }, 10); setTimeout(function () { list.push(3); }, 20);');
    time.advance(50);
    expect(m.uncaught).toEqual(['Assignment to a constant']);
    expect(m.evaluate('list.join()')).toBe('1,2,3');
  });

  it('reproduces it in modules loaded from Storage too', () => {
    const m = machine();
    m.storage.write('lenmod', 'exports.clear = function (a) { a.length = 0; };');
    expect(() => m.evaluate('require("lenmod").clear([1])')).toThrow('Assignment to a constant');
  });

  it('rewrites only .length assignments, keeping the order of evaluation', () => {
    const T = LENGTH_TARGET;
    expect(reproduceLengthAssignments('a.length = 0; b.length++; c["length"] -= 1; var n = d.length; e.len = 1;')).toBe(
      T + '(a).length = 0; ' + T + '(b).length++; ' + T + '(c)["length"] -= 1; var n = d.length; e.len = 1;',
    );
    expect(reproduceLengthAssignments('(p, q).length = 0; x[y.length = 1].length = (z.length = 2);')).toBe(
      '(' + T + '((p, q))).length = 0; ' + T + '(x[' + T + '(y).length = 1]).length = (' + T + '(z).length = 2);',
    );
  });

  it('leaves the device bundles byte for byte as they are (they assign no .length)', () => {
    const files = firmwareStorageFiles();
    for (const name of Object.keys(files)) {
      const code = Buffer.from(files[name]).toString('latin1');
      expect(reproduceLengthAssignments(code), name).toBe(code);
    }
    const conformance = conformanceBundle().code;
    expect(reproduceLengthAssignments(conformance)).toBe(conformance);
  });
});
