// The Espruino gate must reject every construct Espruino 2v29 cannot run, name it, and pass clean code.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { checkEspruinoCode } from '../../scripts/espruino-gate';
import { espruinoBuildOptions } from '../../scripts/build';

const FIXTURES = join(__dirname, 'fixtures');
const rejectFixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.js') && f !== 'clean.js')
  .map((f) => f.replace(/\.js$/, ''));

describe('Espruino gate fixtures', () => {
  it('has a fixture for every rule', () => {
    expect(rejectFixtures.length).toBeGreaterThanOrEqual(33);
  });

  for (const rule of rejectFixtures) {
    it('rejects ' + rule, () => {
      const code = readFileSync(join(FIXTURES, rule + '.js'), 'utf8');
      const violations = checkEspruinoCode(code);
      expect(violations.map((v) => v.rule)).toContain(rule);
      const v = violations.find((x) => x.rule === rule)!;
      expect(v.line).toBeGreaterThanOrEqual(1);
      expect(v.construct.length).toBeGreaterThan(0);
    });
  }

  it('passes the clean fixture (classes, getters, templates, for-of, allowed Math.pow)', () => {
    const code = readFileSync(join(FIXTURES, 'clean.js'), 'utf8');
    expect(checkEspruinoCode(code)).toEqual([]);
  });

  it('an allow comment covers only the call right after it', () => {
    const code = '/*! espruino-allow Math.pow: curve */\nvar a = Math.pow(2, 1 / 2);\n' + 'var pad = 0;\n'.repeat(40) + 'var b = Math.pow(2, 3);';
    const v = checkEspruinoCode(code);
    expect(v.map((x) => x.rule)).toEqual(['math-pow']);
    expect(v[0].line).toBe(43);
  });

  it('follows calls transitively for use-before-define', () => {
    const v = checkEspruinoCode('function a() { return b(); }\na();\nfunction b() { return 1; }');
    expect(v.map((x) => x.rule)).toEqual(['use-before-define']);
    expect(v[0].line).toBe(2);
  });

  it('flags missing methods only where they are called', () => {
    expect(checkEspruinoCode('var p = { at: 5 }; var t = p.at + 1;')).toEqual([]);
    expect(checkEspruinoCode('var a = [1]; var t = a.at(-1);').map((v) => v.rule)).toEqual(['missing-method']);
  });

  it('rejects the further builtins Espruino 2v29 lacks', () => {
    const rules = (code: string): string[] => checkEspruinoCode(code).map((v) => v.rule);
    for (const t of ['Uint8Array', 'Int8Array', 'Uint16Array', 'Int32Array', 'Float32Array', 'Float64Array']) {
      expect(rules('var a = ' + t + '.from([1]); var b = ' + t + '.of(1);')).toEqual(['missing-builtin', 'missing-builtin']);
    }
    expect(rules('var h = Object.hasOwn({ a: 1 }, "a");')).toEqual(['missing-builtin']);
    expect(rules('var d = new DataView(new ArrayBuffer(8)); var x = d.getBigUint64(0);')).toEqual(['missing-method']);
    expect(rules('var s = [3, 1].toSorted(function (a, b) { return a - b; });')).toEqual(['missing-method']);
    expect(rules('var t = " x".trimLeft();')).toEqual(['missing-method']);
    expect(rules('var n = (1234).toLocaleString();')).toEqual(['missing-method']);
    expect(rules('var u = decodeURI("%41"); var e = new URIError("x"); var f = new EvalError("y");')).toEqual([
      'missing-global',
      'missing-global',
      'missing-global',
    ]);
  });

  it('rejects regex features Espruino matches differently, and passes the ones it has', () => {
    const rules = (code: string): string[] => checkEspruinoCode(code).map((v) => v.rule);
    for (const bad of ['/a?b/', '/a{2}/', '/(?:ab)/', '/a(?=b)/', '/a(?!b)/', '/\\bword/', '/(a)\\1/', '/(ab)+/',
      '/(a|b)c/', '/a.b/', '/ab/m', '/ab/s', '/ab/y', '/\\u0041/']) {
      expect(rules('var r = ' + bad + ';'), bad).toEqual(['regex-unsupported']);
    }
    expect(rules('var r = new RegExp("a?b", "g");')).toEqual(['regex-unsupported']);
    for (const good of ['/^[a-z][a-z0-9_]*$/', '/\\s+/g', '/[^0-9.]+/i', '/a|b/', '/\\d+\\.\\d*/', '/[?{}.]/', '/\\x41\\t/']) {
      expect(rules('var r = ' + good + ';'), good).toEqual([]);
    }
    const message = checkEspruinoCode('var r = /colou?r/;')[0].message;
    expect(message).toContain('? quantifier');
  });

  it("rejects Espruino's extra keywords wherever they name a binding or a variable, not as property names", () => {
    const rules = (code: string): string[] => checkEspruinoCode(code).map((v) => v.rule);
    for (const bad of ['var of = 1;', 'function of() {}', 'function f(of) {}', 'var f = function of() {};', 'class of {}',
      'var f = (of) => 1;', 'try {} catch (of) {}', 'var let = 1;', 'var static = 1;', 'function f(undefined) {}',
      'var o = { of };', 'var o = { undefined };', 'print(of);', 'for (var of in {}) {}']) {
      expect(rules(bad), bad).toContain('espruino-reserved-word');
    }
    expect(checkEspruinoCode('var o = { of: 1, let: 2, static() {}, undefined: void 0 }; o.of = o.let; var u = undefined;')).toEqual([]);
  });

  it('rejects class members and accessors Espruino cannot name, and self-references it does not bind', () => {
    const rules = (code: string): string[] => checkEspruinoCode(code).map((v) => v.rule);
    for (const bad of ['class A { of() {} }', 'class A { static delete() {} }', 'class A { "x"() {} }', 'class A { 1() {} }',
      'class A { get in() {} }', 'var o = { get "x"() { return 1; } };', 'var o = { set new(v) {} };']) {
      expect(rules(bad), bad).toEqual(['member-name']);
    }
    expect(rules('var A = class B { m() { return B; } };')).toEqual(['class-self-reference']);
    expect(rules('class C { static x = C; static y = this; }')).toEqual(['class-self-reference', 'class-self-reference']);
    expect(rules('class C { m() { return new C(); } static make() { return new C(); } static f = () => C; }')).toEqual([]);
    expect(rules('class A { list = []; }')).toEqual(['class-instance-field']);
    expect(rules('class A { static list = []; constructor() { this.own = []; } }')).toEqual([]);
  });

  it('rejects every assignment to a .length member, and nothing else named length', () => {
    const rules = (code: string): string[] => checkEspruinoCode(code).map((v) => v.rule);
    for (const bad of ['a.length = 0;', 'a.length += 1;', 'a.length -= 1;', 'a.length *= 2;', 'a.length |= 0;', 'a.length++;',
      'a.length--;', '++a.length;', '--a.length;', 'a["length"] = 0;', "a['length'] -= 1;", 'a[`length`] = 0;',
      'o.items.length = 0;', 'f().length = 0;', 'this.length = 0;', 'x = a.length = 0;', 'for (a.length in o) {}',
      'arguments.length = 0;']) {
      expect(rules(bad), bad).toEqual(['length-assignment']);
    }
    for (const good of ['var n = a.length;', 'a.splice(0);', 'a.splice(n);', 'var length = 1; length = 2; length++;',
      'var o = { length: 1 };', 'o.len = 1;', 'a[length] = 1;', 'a["len" + "gth"];', 'a.length == 0;', 'a[a.length] = 1;',
      'a.length.x = 1;', 'for (var k in a.length) {}']) {
      expect(rules(good), good).toEqual([]);
    }
    const message = checkEspruinoCode('a.length = 0;')[0].message;
    expect(message).toContain('Assignment to a constant');
    expect(message).toContain('splice');
  });

  it('does not confuse locals with missing globals', () => {
    expect(checkEspruinoCode('function f(Map) { return Map + 1; } f(1);')).toEqual([]);
    expect(checkEspruinoCode('var o = { Map: 1 }; o.Map = 2;')).toEqual([]);
  });
});

describe('TypeScript through the real build pipeline', () => {
  async function bundleTs(source: string): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'gate-'));
    const file = join(dir, 'entry.ts');
    writeFileSync(file, source);
    const r = await build({ ...espruinoBuildOptions, entryPoints: [file], tsconfig: undefined, sourcemap: false });
    return r.outputFiles![0].text;
  }

  it('esbuild lowers ** to Math.pow, which the gate rejects', async () => {
    const js = await bundleTs('export const x = (globalThis as any).n ** 2;');
    expect(checkEspruinoCode(js).map((v) => v.rule)).toContain('math-pow');
  });

  it('esbuild lowers ?. and ??, which then pass', async () => {
    const js = await bundleTs('const o: any = (globalThis as any).o; (globalThis as any).r = o?.p ?? 1;');
    expect(checkEspruinoCode(js)).toEqual([]);
  });

  it('the minifier never names anything `of`, which Espruino reserves', async () => {
    const names = Array.from({ length: 1500 }, (_, i) => 'f' + i);
    const fns = names.map((n, i) => 'function ' + n + '(x: number) { return x + ' + i + '; }');
    const js = await bundleTs(fns.join('\n') + '\n(globalThis as any).all = [' + names.join(', ') + '];');
    expect(js).not.toMatch(/function of\(/);
    expect(js.match(/function [\w$]{2}\(/g)!.length).toBeGreaterThan(1000); // two-letter names were handed out
    expect(checkEspruinoCode(js)).toEqual([]);
  });

  it('a class that names itself inside its body becomes a class expression naming itself, which the gate rejects', async () => {
    const js = await bundleTs('class Link { next(): Link { return new Link(); } }\n(globalThis as any).Link = Link;');
    expect(js).toMatch(/=class [\w$]+\{/);
    expect(checkEspruinoCode(js).map((v) => v.rule)).toEqual(['class-self-reference']);
  });

  it('esbuild refuses default parameters and destructuring outright', async () => {
    await expect(bundleTs('export function f(a = 1) { return a; }')).rejects.toThrow();
    await expect(bundleTs('const { a } = (globalThis as any).o; export { a };')).rejects.toThrow();
  });
});

describe('npm run check:espruino', () => {
  it('exits non-zero and names file, position, source and construct', () => {
    let out = '';
    try {
      execFileSync('npx', ['tsx', 'scripts/check-espruino.ts', join(FIXTURES, 'optional-chain.js')], {
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (e) {
      const err = e as { status: number; stderr: string };
      expect(err.status).toBe(1);
      out = err.stderr;
    }
    expect(out).toMatch(/optional-chain\.js:1:\d+ \[optional-chain\]/);
    expect(out).toContain('o?.p');
  });
});
