// What the gate rejects really goes wrong on Espruino 2v29, and what it lets through really works: every fixture, and
// the cases that decide the edges of the newer rules, run on the real interpreter (Linux build, resizable pool). A
// fixture either fails there (the error Espruino prints is pinned) or runs and prints something other than Node does
// (both results pinned). Needs the interpreter binaries (host-sim/espruino-linux/binaries.ts): fails without them.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkEspruinoCode } from '../../scripts/espruino-gate';
import { printedInNode, runScript } from './interpreter';

const FIXTURES = join(__dirname, 'fixtures');
const fixture = (rule: string): string => readFileSync(join(FIXTURES, rule + '.js'), 'utf8');
const rejectFixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.js') && f !== 'clean.js')
  .map((f) => f.replace(/\.js$/, ''));

/** Fixtures Espruino cannot parse or run: the uncaught error it reports. */
const FAILS: { [rule: string]: string } = {
  async: 'ReferenceError: "async" is not defined',
  'class-field-no-init': "SyntaxError: Got ';' expected '='",
  'class-self-reference': 'ReferenceError: "R" is not defined',
  'computed-key': "SyntaxError: Got '[' expected ID",
  'default-param': "SyntaxError: Got '=' expected ','",
  destructuring: 'ReferenceError: "p" is not defined',
  'espruino-reserved-word': 'SyntaxError: Got of expected ID',
  exponent: "SyntaxError: Got '*' expected EOF",
  'extends-error': "SyntaxError: Calling 'super' outside of class",
  generator: "SyntaxError: Got '*' expected ID",
  label: 'ReferenceError: "outer" is not defined',
  'length-assignment': 'TypeError: Assignment to a constant',
  'logical-assignment': "SyntaxError: Got '=' expected EOF",
  'member-name': 'SyntaxError: Got of expected ID',
  'missing-builtin': 'Error: Function "from" not found!',
  'missing-global': 'ReferenceError: "Map" is not defined',
  'missing-method': 'Error: Function "trimStart" not found!',
  'optional-chain': "SyntaxError: Got ID:p expected ':'",
  private: "SyntaxError: Got '#' expected '}'",
  'rest-param': "SyntaxError: Got '.' expected ID",
  spread: "SyntaxError: Got '.' expected EOF",
  'static-block': "SyntaxError: Got '{' expected ID",
  syntax: 'ReferenceError: "export" is not defined',
  'unicode-escape': 'Error: Invalid escape sequence',
  'use-before-define': 'ReferenceError: "main" is not defined',
};

/** Fixtures that run on Espruino without an error but compute something else: what each prints there and in Node. */
const DIFFERS: { [rule: string]: { espruino: string; node: string } } = {
  bigint: { espruino: 'number', node: 'bigint' }, // `10n` is read as 10
  'class-instance-field': { espruino: '2', node: '1' }, // one array on the prototype, shared
  'loop-closure': { espruino: '3,3,3', node: '0,1,2' },
  'math-pow': { espruino: 'false', node: 'true' },
  'non-integer-literal': { espruino: 'false', node: 'true' }, // 273.15 parsed to another double
  'regex-lookbehind': { espruino: 'false', node: 'true' },
  'regex-named-group': { espruino: 'false', node: 'true' },
  'regex-unsupported': { espruino: 'false', node: 'true' }, // `?` taken literally
};

describe('gate fixtures on the real Espruino interpreter', () => {
  it('every reject fixture is shown either to fail or to differ from Node', () => {
    expect(Object.keys(FAILS).concat(Object.keys(DIFFERS)).sort()).toEqual(rejectFixtures.slice().sort());
  });

  for (const rule of Object.keys(FAILS)) {
    it(rule + ' fails: ' + FAILS[rule], async () => {
      const run = await runScript(fixture(rule));
      expect(run.completed).toBe(false);
      expect(run.output).toContain('Uncaught ' + FAILS[rule] + '\n');
    });
  }

  for (const rule of Object.keys(DIFFERS)) {
    it(rule + ' prints ' + DIFFERS[rule].espruino + ' where Node prints ' + DIFFERS[rule].node, async () => {
      const code = fixture(rule);
      expect(await runScript(code)).toEqual({ output: DIFFERS[rule].espruino + '\n', completed: true });
      expect(printedInNode(code)).toBe(DIFFERS[rule].node + '\n');
    });
  }

  it('the clean fixture runs to its end and prints exactly what Node prints', async () => {
    const code = fixture('clean');
    const run = await runScript(code);
    expect(run).toEqual({ output: printedInNode(code), completed: true });
    expect(run.output).toBe('value 44.828 of 1 1 2 4295967295 0 true   abc 3\n');
  });
});

type Outcome = 'fails' | 'differs' | 'same';

/** Code, the rule the gate reports ('' for none), and what the real interpreter does with it compared with Node. */
const EDGES: [string, string, Outcome][] = [
  // Espruino's extra keywords (src/jslex.c): no binding may take them, object property names may.
  ['function f(of) { return of; } print(f(1));', 'espruino-reserved-word', 'fails'],
  ['var f = (of) => of; print(f(1));', 'espruino-reserved-word', 'fails'],
  ['try { throw 1; } catch (of) { print(2); }', 'espruino-reserved-word', 'fails'],
  ['var let = 1; print(let);', 'espruino-reserved-word', 'fails'],
  ['var static = 1; print(static);', 'espruino-reserved-word', 'fails'],
  ['function f(undefined) { return undefined; } print(f(1));', 'espruino-reserved-word', 'fails'],
  ['function f() { var undefined = 1; return undefined; } print(f());', 'espruino-reserved-word', 'differs'],
  ['var o = { undefined }; print(o.undefined);', 'espruino-reserved-word', 'fails'],
  ['var o = { of: 1, static: 2, let: 3, undefined: 4 }; o.of += 10; print(o.of + o.static + o.let + o.undefined);', '', 'same'],
  ['var o = { of() { return 1; }, delete() { return 2; } }; print(o.of() + o.delete(), undefined);', '', 'same'],
  // Class members and accessors need a name token: no keyword, no string or number key.
  ['class A { delete() { return 1; } } print(new A().delete());', 'member-name', 'fails'],
  ['class A { static() { return 1; } } print(A.prototype.static());', 'member-name', 'fails'],
  ['class A { "x"() { return 1; } } print(new A().x());', 'member-name', 'fails'],
  ['class A { get of() { return 1; } } print(new A().of);', 'member-name', 'fails'],
  ['var o = { get of() { return 1; } }; print(o.of);', 'member-name', 'fails'],
  ['class A { import() { return 1; } static get() { return 2; } } print(new A().import() + A.get());', '', 'same'],
  // A class expression's name is not bound in its body; a class declaration's is, once the class is defined.
  ['var B = 3; var A = class B { m() { return B; } }; print(new A().m() === A);', 'class-self-reference', 'differs'],
  ['class C { static x = C; } print(C.x === C);', 'class-self-reference', 'fails'],
  ['class C { static s = this; } print(C.s === C);', 'class-self-reference', 'differs'],
  ['class C { m() { return new C(); } static make() { return new C(); } } print(C.make().m() instanceof C);', '', 'same'],
  ['class C { static x = () => C; static f = function () { return this; }; } print(C.x() === C, C.f() === C);', '', 'same'],
  // Instance field initializers run once, at class definition, and land on the prototype.
  ['var n = 0; class A { k = ++n; } new A(); print(new A().k);', 'class-instance-field', 'differs'],
  ['class A { x = 1; } print(Object.keys(new A()).length);', 'class-instance-field', 'differs'],
  ['class A { static x = 1; constructor() { this.y = 2; } } print(A.x + new A().y, Object.keys(new A()).length);', '', 'same'],
  // An Array's length (arguments included) is a constant member; a typed array takes no new property; a string ignores
  // the assignment and a function takes it; a plain object's own length field behaves as in Node, but the gate cannot
  // tell an object from an array and rejects it too.
  ['var a = [1, 2, 3]; a.length -= 1; print(a);', 'length-assignment', 'fails'],
  ['var a = [1, 2, 3]; a.length++; print(a.length);', 'length-assignment', 'fails'],
  ['var a = [1, 2, 3]; a["length"] = 0; print(a);', 'length-assignment', 'fails'],
  ['var a = new Array(3); --a.length; print(a.length);', 'length-assignment', 'fails'],
  ['function g() { arguments.length = 0; return arguments.length; } print(g(1, 2));', 'length-assignment', 'fails'],
  ['var u = new Uint8Array(4); u.length = 1; print(u.length);', 'length-assignment', 'fails'],
  ['var f = function (a, b) {}; f.length = 5; print(f.length);', 'length-assignment', 'differs'],
  ['var s = "abc"; s.length = 1; print(s.length);', 'length-assignment', 'same'],
  ['var o = { length: 3 }; o.length = 1; o.length += 4; print(o.length);', 'length-assignment', 'same'],
  ['var a = [1, 2, 3]; a.splice(1); var b = [4, 5]; b.splice(0); print(a.length, a[0], b.length);', '', 'same'],
];

describe('the edges of the reserved-word, member-name, class-self-reference, class-instance-field and length-assignment rules', () => {
  for (const [code, rule, outcome] of EDGES) {
    it((rule || 'accepted') + ', ' + outcome + ': ' + code, async () => {
      const rules = checkEspruinoCode(code).map((v) => v.rule);
      expect(rules.filter((r, i) => rules.indexOf(r) === i)).toEqual(rule ? [rule] : []);
      const run = await runScript(code);
      if (outcome === 'fails') {
        expect(run.completed).toBe(false);
        expect(run.output).toMatch(/^Uncaught /m); // a keyword as catch parameter reports "Uncaught undefined"
      } else {
        expect(run.completed).toBe(true);
        expect(run.output).not.toContain('Uncaught');
        if (outcome === 'same') expect(run.output).toBe(printedInNode(code));
        else expect(run.output).not.toBe(printedInNode(code));
      }
    });
  }
});
