// Builds the Espruino bundles: dist/firmware.js (firmware/ + protocol/, flashed to the ESP32) and
// dist/conformance.js (protocol/ vector runners, run on Espruino or in the Espruino-profile sandbox).
// esbuild lowers TypeScript to what Espruino 2v29 parses (espruino.md §4); the gate (check-espruino.ts) verifies it.
import { build, type BuildOptions } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { espruinoConfig } from './espruino-config';
import { RESERVE_ESPRUINO_WORDS, reserveEspruinoWords } from './espruino-reserved';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

/** Espruino built-in modules: left as require() calls, resolved by the interpreter. */
export const ESPRUINO_MODULES = ['Storage', 'Flash', 'crypto', 'net', 'tls', 'Wifi', 'TelnetServer', 'heatshrink'];

/** esbuild settings that keep the output inside Espruino 2v29's parser (espruino.md §4, measured recipe). */
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

export interface BundleResult {
  file: string;
  bytes: number;
  sha256: string;
}

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

/**
 * The first line of each bundle declares its identity; FIRMWARE_HASH is the SHA-256 of everything after that line
 * (`tail -n +2 dist/firmware.js | sha256sum`), so a device can report exactly which code it runs.
 */
async function bundle(entry: string, outFile: string): Promise<BundleResult> {
  const result = await build({
    ...espruinoBuildOptions,
    entryPoints: [entry],
    outfile: outFile,
  });
  const outputs = result.outputFiles ?? [];
  const js = outputs.find((f) => f.path.endsWith('.js'));
  const map = outputs.find((f) => f.path.endsWith('.map'));
  if (!js || !map) throw new Error('esbuild produced no output for ' + entry);
  const body = wrapped(js.text);
  const sha256 = createHash('sha256').update(body).digest('hex');
  const header = 'var FIRMWARE_VERSION="' + pkg.version + '",FIRMWARE_HASH="' + sha256 + '";\n';
  const code = header + body;
  const sourceMap = JSON.parse(map.text) as { mappings: string };
  sourceMap.mappings = ';;' + sourceMap.mappings; // the header and wrapper lines shift everything down by two
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, code);
  writeFileSync(outFile + '.map', JSON.stringify(sourceMap));
  return { file: outFile, bytes: Buffer.byteLength(code), sha256 };
}

export async function buildAll(): Promise<BundleResult[]> {
  const b = espruinoConfig.bundle;
  return [await bundle(b.entry, b.output), await bundle(b.conformanceEntry, b.conformanceOutput)];
}

const isMain = import.meta.url === 'file://' + process.argv[1] || process.argv[1]?.endsWith('scripts/build.ts');
if (isMain) {
  buildAll()
    .then((results) => {
      for (const r of results) {
        console.log(
          r.file + ': ' + r.bytes + ' bytes (' + (r.bytes / 1024).toFixed(1) + ' KiB), sha256 ' + r.sha256.slice(0, 16),
        );
      }
    })
    .catch((e: Error) => {
      console.error('build failed: ' + e.message);
      process.exit(1);
    });
}
