// Verifies a capture file and writes the period report:
//   tsx host-sim/verifier/cli.ts CAPTURE.json [--from ISO] [--to ISO] [--out DIR] [--name BASE]
// Without --from/--to the period spans all period records in the capture. Exit status 0 on PASS, 1 on FAIL.
import { buildPeriodReport, periodReportToText, writePeriodReport } from './report';
import { readCapture } from './capture';
import { verifyRecords } from './verify';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function main(args: string[]): number {
  const file = args[0];
  if (!file || file.startsWith('--')) {
    console.error('usage: cli.ts CAPTURE.json [--from ISO] [--to ISO] [--out DIR] [--name BASE]');
    return 2;
  }
  const { records, keys } = readCapture(file);
  const report = verifyRecords(records, { keys });
  const from = option(args, '--from');
  const to = option(args, '--to');
  const fromMs = from ? Date.parse(from) : (report.periods.fromMs ?? 0);
  const toMs = to ? Date.parse(to) : (report.periods.toMs ?? 0);
  const period = buildPeriodReport(report, fromMs, toMs);
  const out = option(args, '--out');
  if (out) {
    const files = writePeriodReport(period, out, option(args, '--name') ?? 'verification-report');
    console.log('wrote ' + files.json + ' and ' + files.text);
  }
  process.stdout.write(periodReportToText(period));
  return period.verdict === 'PASS' ? 0 : 1;
}

process.exit(main(process.argv.slice(2)));
