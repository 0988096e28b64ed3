// Builds what the device runs, as the Storage files it needs (dist/storage/, file name = Storage name):
//   .bootcde    the resident firmware (firmware/main.ts + protocol/), also written as dist/firmware.js
//   cems.close, cems.seal, cems.cmd, cems.se   modules required on demand (firmware/modules/*.ts)
//   cems.dflt   the embedded default plan, compiled from protocol/module/default-config.ts
// and dist/conformance.js (protocol vector runners, run on Espruino or in the Espruino-profile sandbox).
// esbuild lowers TypeScript to what Espruino 2v29 parses (src/jslex.c, src/jsparse.c); the gate (check-espruino.ts)
// verifies it.
import { build, type BuildOptions } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Parser } from 'acorn';
import { espruinoConfig } from './espruino-config';
import { compilePlan } from '../protocol/plan/compile';
import { DEFAULT_CONFIG } from '../protocol/module/default-config';
import { nodeSha256 } from '../host-sim/record/node-sha256';
import { RESERVE_ESPRUINO_WORDS, reserveEspruinoWords } from './espruino-reserved';
import { errorText } from '../protocol/errors';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

/** Espruino built-in modules: left as require() calls, resolved by the interpreter. */
export const ESPRUINO_MODULES = ['Storage', 'Flash', 'crypto', 'net', 'tls', 'Wifi', 'TelnetServer', 'heatshrink'];

/** esbuild settings that keep the output inside Espruino 2v29's parser (src/jsparse.c; each choice measured). */
export const espruinoBuildOptions: BuildOptions = {
  bundle: true,
  // 'cjs' keeps require("Storage") etc. as plain calls (iife would add a Proxy-based require shim); the bundle is
  // wrapped in a function below so nothing leaks into Espruino's global scope.
  format: 'cjs',
  platform: 'neutral',
  target: 'es2017',
  supported: {
    'exponent-operator': false,
    'optional-chain': false,
    'nullish-coalescing': false,
    'logical-assignment': false,
    'object-rest-spread': false,
    'async-await': false,
    generator: false,
    'default-argument': false,
    destructuring: false,
    'rest-argument': false,
    'array-spread': false,
    'class-field': true,
    'class-static-field': true,
  },
  // esbuild's minifier renames consistently (the espruino CLI's own minifier breaks classes). Syntax minification
  // stays off: it folds `64064 / 1000` into the literal 64.064, which Espruino's parser reads as another double.
  minifyWhitespace: true,
  minifyIdentifiers: true,
  minifySyntax: false,
  legalComments: 'inline',
  tsconfig: 'tsconfig.json',
  external: ESPRUINO_MODULES,
  // Espruino reserves more words than JavaScript (`of`…): the minifier must not choose them as names.
  plugins: [reserveEspruinoWords],
  sourcemap: 'external',
  write: false,
  logLevel: 'warning',
};

/** Bundle text inside a function, so that nothing leaks into Espruino's global scope. */
function wrapped(js: string): string {
  return '(function(){\n' + js.replace(/\n$/, '') + '\n})();\n';
}

/**
 * TypeScript source text (imports relative to the repository root) bundled and wrapped like the firmware, without the
 * identity line or a source map: for running parts of protocol/ through the Espruino gate and in the sandbox.
 */
export async function bundleSource(contents: string, name: string): Promise<string> {
  const result = await build({
    ...espruinoBuildOptions,
    stdin: { contents: contents + RESERVE_ESPRUINO_WORDS, resolveDir: process.cwd(), loader: 'ts', sourcefile: name + '.ts' },
    outfile: name + '.js',
    sourcemap: false,
  });
  return wrapped(result.outputFiles![0].text);
}

/** Module sources as Espruino's require() evaluates them: top-level code that fills `exports`. */
function asEspruinoModule(js: string): string {
  const ast = Parser.parse(js, { ecmaVersion: 'latest', sourceType: 'module' }) as unknown as {
    body: { type: string; start: number; end: number; source: unknown; specifiers: { local: { name: string }; exported: { name: string } }[] }[];
  };
  let out = '';
  let at = 0;
  for (const node of ast.body) {
    if (node.type !== 'ExportNamedDeclaration' || node.source) {
      if (node.type.indexOf('Export') === 0) throw new Error('module build: unsupported export form ' + node.type);
      continue;
    }
    out += js.slice(at, node.start);
    out += node.specifiers.map((s) => 'exports.' + s.exported.name + '=' + s.local.name + ';').join('');
    at = node.end;
  }
  return out + js.slice(at);
}

interface Built {
  js: string;
  map: { mappings: string };
}

async function bundleEntry(entry: string, format: 'cjs' | 'esm'): Promise<Built> {
  const result = await build({
    ...espruinoBuildOptions,
    format: format,
    // an ES module's require() calls would get a shim that needs Proxy: modules call Espruino's global require
    define: format === 'esm' ? { require: 'globalThis.require' } : {},
    entryPoints: [entry],
    outfile: entry.replace(/\.ts$/, '.js'),
  });
  const outputs = result.outputFiles ?? [];
  const js = outputs.find((f) => f.path.endsWith('.js'));
  const map = outputs.find((f) => f.path.endsWith('.map'));
  if (!js || !map) throw new Error('esbuild produced no output for ' + entry);
  return { js: js.text, map: JSON.parse(map.text) as { mappings: string } };
}

export interface BundleResult {
  file: string;
  bytes: number;
}

export interface BuildResult {
  files: BundleResult[];
  /** SHA-256 over the code the device runs (FIRMWARE_HASH), hex. */
  firmwareHash: string;
}

function writeWithMap(file: string, code: string, map: { mappings: string }): BundleResult {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, code);
  writeFileSync(file + '.map', JSON.stringify(map));
  return { file: file, bytes: Buffer.byteLength(code) };
}

/**
 * The device's Storage files. The resident bundle's first line declares the firmware identity; FIRMWARE_HASH is the
 * SHA-256 of the code that follows that line and of every module, in name order:
 * `(tail -n +2 dist/storage/.bootcde; cat dist/storage/cems.close dist/storage/cems.cmd dist/storage/cems.se dist/storage/cems.seal) | sha256sum`.
 */
async function buildFirmware(): Promise<BuildResult> {
  const b = espruinoConfig.bundle;
  const storageDir = b.storageDir;
  rmSync(storageDir, { recursive: true, force: true });
  const resident = await bundleEntry(b.entry, 'cjs');
  const body = wrapped(resident.js);
  const names = Object.keys(b.moduleEntries).sort();
  const modules: { name: string; code: string; map: { mappings: string } }[] = [];
  for (const name of names) {
    const m = await bundleEntry(b.moduleEntries[name], 'esm');
    modules.push({ name: name, code: asEspruinoModule(m.js), map: m.map });
  }
  const hash = createHash('sha256').update(body);
  for (const m of modules) hash.update(m.code);
  const firmwareHash = hash.digest('hex');
  const code = 'var FIRMWARE_VERSION="' + pkg.version + '",FIRMWARE_HASH="' + firmwareHash + '";\n' + body;
  resident.map.mappings = ';;' + resident.map.mappings; // the header and wrapper lines shift everything down by two
  const files: BundleResult[] = [writeWithMap(b.output, code, resident.map)];
  mkdirSync(storageDir, { recursive: true });
  writeFileSync(join(storageDir, espruinoConfig.upload.bootFile), code);
  for (const m of modules) {
    files.push(writeWithMap(join(dirname(b.output), 'modules', m.name + '.js'), m.code, m.map));
    writeFileSync(join(storageDir, m.name), m.code);
  }
  const plan = compilePlan(DEFAULT_CONFIG, nodeSha256);
  writeFileSync(join(storageDir, espruinoConfig.storage.defaultPlan), plan.bytes);
  files.push({ file: join(storageDir, espruinoConfig.storage.defaultPlan), bytes: plan.bytes.length });
  return { files: files, firmwareHash: firmwareHash };
}

async function buildConformance(): Promise<BundleResult> {
  const b = espruinoConfig.bundle;
  const c = await bundleEntry(b.conformanceEntry, 'cjs');
  const body = wrapped(c.js);
  c.map.mappings = ';;' + c.map.mappings;
  const header = 'var FIRMWARE_VERSION="' + pkg.version + '",FIRMWARE_HASH="' + createHash('sha256').update(body).digest('hex') + '";\n';
  return writeWithMap(b.conformanceOutput, header + body, c.map);
}

export async function buildAll(): Promise<BuildResult> {
  const fw = await buildFirmware();
  fw.files.push(await buildConformance());
  return fw;
}

const isMain = import.meta.url === 'file://' + process.argv[1] || process.argv[1]?.endsWith('scripts/build.ts');
if (isMain) {
  buildAll()
    .then((r) => {
      for (const f of r.files) console.log(f.file + ': ' + f.bytes + ' bytes (' + (f.bytes / 1024).toFixed(1) + ' KiB)');
      console.log('firmware sha256 ' + r.firmwareHash);
    })
    .catch((e: Error) => {
      console.error('build failed: ' + errorText(e));
      process.exit(1);
    });
}
