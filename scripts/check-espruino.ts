// `npm run check:espruino`: runs the Espruino gate over the built bundles and names every violation with its position
// in the bundle and, through the source map, in the TypeScript source.
import { existsSync, readFileSync } from 'node:fs';
import { SourceMapConsumer, type RawSourceMap } from 'source-map-js';
import { checkEspruinoCode, type Violation } from './espruino-gate';

function originalPosition(consumer: SourceMapConsumer | null, v: Violation): string {
  if (!consumer) return '';
  const p = consumer.originalPositionFor({ line: v.line, column: v.column });
  return p.source ? ' (' + p.source.replace(/^(\.\.\/)+/, '') + ':' + p.line + ':' + (p.column + 1) + ')' : '';
}

export function checkFile(file: string): Violation[] {
  const code = readFileSync(file, 'utf8');
  const violations = checkEspruinoCode(code);
  const mapFile = file + '.map';
  const consumer = existsSync(mapFile)
    ? new SourceMapConsumer(JSON.parse(readFileSync(mapFile, 'utf8')) as RawSourceMap)
    : null;
  for (const v of violations) {
    console.error(
      file + ':' + v.line + ':' + (v.column + 1) + originalPosition(consumer, v) + ' [' + v.rule + '] ' + v.message +
        '\n    ' + v.construct,
    );
  }
  return violations;
}

const files = process.argv.slice(2);
if (!files.length) {
  console.error('usage: check-espruino <bundle.js> [...]');
  process.exit(2);
}
let failed = 0;
for (const f of files) {
  if (!existsSync(f)) {
    console.error(f + ': missing (run npm run build first)');
    failed++;
    continue;
  }
  const n = checkFile(f).length;
  if (n) failed++;
  console.log(f + ': ' + (n ? n + ' Espruino violation(s)' : 'OK for Espruino 2v29'));
}
process.exit(failed ? 1 : 0);
