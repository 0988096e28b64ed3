// "Deterministic outputs are byte-identical in Node and on Espruino", for every protocol area, through one artifact:
// dist/conformance.js, the firmware build of firmware/conformance.ts. Each vector is computed twice: in Node, by
// calling the protocol functions directly on V8 with Node's builtins (and Node's SHA-256), and inside the
// Espruino-profile sandbox from the bundle, where number text, Math.pow, sort, fromCharCode, the missing builtins and
// the SHA-256 (crypto.SHA256) are Espruino's; the JSON the sandbox prints must equal Node's result. Known absolute
// values (Modbus spec frames, CRC catalogue values, HJ 212-2017's CRC example, the worked emission vectors, cryptoauthlib's
// command packets, the committed golden records) pin
// both sides, and a negative control shows the harness does see a non-portable computation.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import crc16modbus from 'crc/crc16modbus';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { espruinoBuildOptions } from '../../scripts/build';
import { espruinoConfig } from '../../scripts/espruino-config';
import { checkEspruinoCode } from '../../scripts/espruino-gate';
import { conformanceBundle } from '../../host-sim/espruino/bundle';
import { EspruinoMachine } from '../../host-sim/espruino/sandbox';
import { VirtualTime } from '../../host-sim/espruino/time';
import { CONSOLE_VECTOR_MAX_LINE } from '../kit/console-vectors';
import { STATUS_LIST } from '../../protocol/sample';
import { HJ212_EXAMPLE, REGISTER_WORDS, framerStream } from '../kit/modbus-vectors';
import { NODE_BENCH, NODE_VECTORS } from './node-reference';

const ROOT = join(__dirname, '../..');

let machine: EspruinoMachine;
let bundleCode = '';

function bootConformance(): EspruinoMachine {
  const m = new EspruinoMachine({ time: new VirtualTime(Date.UTC(2026, 8, 1)) });
  m.boot(bundleCode, 'dist/conformance.js');
  return m;
}

/** Runs a vector in the sandbox and parses what the device would print. */
function onDevice(name: string): unknown {
  const text = machine.evaluate('JSON.stringify(CONFORMANCE.vectors.' + name + '())');
  expect(typeof text).toBe('string');
  return JSON.parse(text as string);
}

/** The same result as it crosses from Node: through Node's own JSON. */
function inNode(name: string): unknown {
  return JSON.parse(JSON.stringify(NODE_VECTORS[name]()));
}

beforeAll(() => {
  bundleCode = conformanceBundle().code;
  machine = bootConformance();
});

afterAll(() => machine.shutdown());

describe('dist/conformance.js', () => {
  it('is the build of the current sources (run `npm run build` if not)', async () => {
    const r = await build({
      ...espruinoBuildOptions,
      entryPoints: [espruinoConfig.bundle.conformanceEntry],
      outfile: espruinoConfig.bundle.conformanceOutput,
    });
    const js = r.outputFiles!.find((f) => f.path.endsWith('.js'))!;
    const body = '(function(){\n' + js.text.replace(/\n$/, '') + '\n})();\n';
    expect(bundleCode.slice(bundleCode.indexOf('\n') + 1) === body, 'dist/conformance.js is stale: npm run build').toBe(true);
  });

  it('passes the Espruino gate', () => {
    expect(checkEspruinoCode(bundleCode).map((v) => v.rule + ': ' + v.construct)).toEqual([]);
  });

  it('covers modbus, cems, record, atecc608 and console, and Node has a reference for every vector', () => {
    const map = JSON.parse(readFileSync(espruinoConfig.bundle.conformanceOutput + '.map', 'utf8')) as { sources: string[] };
    const sources = map.sources.map((s) => s.replace(/^(\.\.\/)+/, ''));
    for (const area of ['modbus', 'cems', 'record', 'atecc608', 'console']) {
      expect(sources.filter((s) => s.startsWith('protocol/' + area + '/')).length, area).toBeGreaterThan(0);
    }
    expect((machine.evaluate('Object.keys(CONFORMANCE.vectors)') as string[]).slice().sort()).toEqual(
      Object.keys(NODE_VECTORS).sort(),
    );
  });
});

describe('every vector is byte-identical in Node and in the Espruino-profile sandbox', () => {
  for (const name of Object.keys(NODE_VECTORS)) {
    it(name, () => {
      const device = onDevice(name);
      expect(device).toEqual(inNode(name));
    });
  }

  it('the benchmark loops give the same checksums in both', () => {
    const m = bootConformance();
    try {
      const run = (name: string, n: number) => m.evaluate('CONFORMANCE.bench.' + name + '.run(' + n + ')') as number;
      expect(run('modbusDecode', 500)).toBe(NODE_BENCH.modbusDecode(500));
      expect(Object.is(run('cemsMinutes', 90), NODE_BENCH.cemsMinutes(90))).toBe(true);
      expect(run('recordBuild', 3)).toBe(NODE_BENCH.recordBuild(3));
      expect(run('recordVerify', 10)).toBe(NODE_BENCH.recordVerify(10));
      expect(m.uncaught).toEqual([]);
    } finally {
      m.shutdown();
    }
  });
});

/** A number as its float64 bits in hex (Buffer, independent of the vectors' own encoder). */
function float64Hex(x: number): string {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x, 0);
  return b.toString('hex');
}

/** The wire form of a frame: bytes followed by their CRC-16/MODBUS low byte first (crc package, independent). */
function withCrc(hex: string): string {
  const b = Buffer.from(hex.replace(/\s+/g, ''), 'hex');
  const c = crc16modbus(b);
  return b.toString('hex') + Buffer.from([c & 0xff, c >> 8]).toString('hex');
}

describe('known values pin both sides', () => {
  it('SHA-256("abc") (FIPS 180-2)', () => {
    expect(onDevice('sha256Abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('CRC-16/MODBUS: catalogue check, HJ 212-2017 example (0759), empty input (FFFF), the crc package', () => {
    const crcs = onDevice('modbusCrc') as { input: string; crc: string }[];
    const byInput: { [hex: string]: string } = {};
    for (const c of crcs) {
      byInput[c.input] = c.crc;
      expect(parseInt(c.crc, 16), c.input).toBe(crc16modbus(Buffer.from(c.input, 'hex')));
    }
    expect(byInput[Buffer.from('123456789').toString('hex')]).toBe('4b37');
    expect(byInput[Buffer.from(HJ212_EXAMPLE).toString('hex')]).toBe('0759');
    expect(byInput['']).toBe('ffff');
    expect(byInput['1103006b0003']).toBe('8776'); // spec: 11 03 00 6B 00 03 76 87
  });

  it('Modbus codec: the Modbus Application Protocol v1.1b3 §6 example frames for every function code', () => {
    const codec = onDevice('modbusCodec') as { fc: number; request: string; response: string; decoded: string }[];
    expect(codec.map((c) => [c.fc, c.request, c.response])).toEqual([
      [1, withCrc('11 01 0013 0013'), withCrc('11 01 03 cd6b05')],
      [2, withCrc('11 02 00c4 0016'), withCrc('11 02 03 acdb35')],
      [3, withCrc('11 03 006b 0003'), withCrc('11 03 06 022b 0000 0064')],
      [4, withCrc('11 04 0008 0001'), withCrc('11 04 02 000a')],
      [5, withCrc('11 05 00ac ff00'), withCrc('11 05 00ac ff00')],
      [6, withCrc('11 06 0001 0003'), withCrc('11 06 0001 0003')],
      [15, withCrc('11 0f 0013 000a 02 cd01'), withCrc('11 0f 0013 000a')],
      [16, withCrc('11 10 0001 0002 04 000a 0102'), withCrc('11 10 0001 0002')],
      [3, withCrc('11 03 006b 0003'), withCrc('11 83 02')],
      [16, withCrc('11 10 0001 0002 04 000a 0102'), withCrc('11 90 04')],
    ]);
    expect(codec[2].decoded).toBe('3 0 022b00000064 0 0');
    expect(codec[4].decoded).toBe('5 0 - 172 65280');
    expect(codec[8].decoded).toBe('3 2 - 0 0');
  });

  it('register decoding: every type and word order agrees with Buffer reads of the reordered words', () => {
    const regs = onDevice('modbusRegisters') as { words: string; values: { [k: string]: string } }[];
    const bits = (hex: string) => Buffer.from(hex, 'hex').readDoubleBE(0);
    const reorder = (b: Buffer, words: number, order: string): Buffer => {
      const out = Buffer.alloc(2 * words);
      for (let w = 0; w < words; w++) {
        const src = 2 * (order === 'CDAB' || order === 'DCBA' ? words - 1 - w : w);
        const swap = order === 'BADC' || order === 'DCBA';
        out[2 * w] = b[src + (swap ? 1 : 0)];
        out[2 * w + 1] = b[src + (swap ? 0 : 1)];
      }
      return out;
    };
    const read: { [type: string]: [number, (b: Buffer) => number] } = {
      int16: [1, (b) => b.readInt16BE(0)],
      uint16: [1, (b) => b.readUInt16BE(0)],
      int32: [2, (b) => b.readInt32BE(0)],
      uint32: [2, (b) => b.readUInt32BE(0)],
      float32: [2, (b) => b.readFloatBE(0)],
      float64: [4, (b) => b.readDoubleBE(0)],
    };
    expect(regs.map((r) => r.words)).toEqual(REGISTER_WORDS);
    for (const r of regs) {
      const data = Buffer.from(r.words.replace(' ', ''), 'hex');
      const keys = Object.keys(r.values);
      expect(keys.length).toBe(24);
      for (const key of keys) {
        const [type, order] = key.split('/');
        const [words, fn] = read[type];
        const value = bits(r.values[key]);
        expect(Number.isNaN(value), key).toBe(false);
        expect(Object.is(value, fn(reorder(data, words, order))), r.words + ' ' + key).toBe(true);
      }
    }
    // pi as float32 in natural order (40 49 0F DB).
    expect(bits(regs[0].values['float32/ABCD'])).toBe(Math.fround(Math.PI));
  });

  it('register encoding: the words Buffer writes for the same values', () => {
    const enc = onDevice('modbusEncode') as string[];
    expect(enc).toContain('float32/ABCD 3eaaaaab00000000');
    expect(enc).toContain('float32/CDAB aaab3eaa00000000');
    expect(enc).toContain('float64/ABCD 3fd5555555555555');
    expect(enc).toContain('float64/DCBA 555555555555d53f');
    expect(enc).toContain('int32/CDAB 32ebf8a400000000'); // -123456789 = f8a4 32eb
    expect(enc).toContain('uint32/BADC 6bee002800000000'); // 4000000000 = ee6b 2800
    expect(enc).toContain('int16/DCBA 2efb000000000000'); // -1234 = fb2e
    expect(enc.length).toBe(32);
  });

  it('framer: the device framer finds every answer in the noisy stream and rejects the corrupted and false ones', () => {
    const f = onDevice('modbusFramer') as {
      reads: string[];
      samples: string[];
      counters: { [k: string]: number };
      pending: number;
    };
    const stream = Buffer.from(framerStream());
    // Answers the framer must find, as wire frames (CRC from the crc package): the Modbus Application Protocol v1.1b3
    // §6.3 example data behind garbage, another slave, a wrong function and a corrupted copy; the §6.1 example data
    // behind a false start; slave busy (exception 6); twelve answers behind noise, register data (37 k + i) & 0xff;
    // and slave device failure (exception 4) hidden behind a false start that announces 240 bytes.
    const answers: { read: number; frame: string; outcome: string }[] = [
      { read: 0, frame: withCrc('11 03 06 022b00000064'), outcome: '1 0 022b00000064' },
      { read: 1, frame: withCrc('11 01 03 cd6b05'), outcome: '1 0 cd6b05' },
      { read: 2, frame: withCrc('11 82 06'), outcome: '2 6 -' },
    ];
    const firstWords: number[] = [0x022b, 1, NaN];
    for (let i = 3; i < 15; i++) {
      const fc = i & 1 ? 3 : 4;
      const data = Buffer.alloc(2 * (i - 2));
      for (let k = 0; k < data.length; k++) data[k] = (37 * k + i) & 0xff;
      const hex = data.toString('hex');
      answers.push({ read: i, frame: withCrc(Buffer.from([0x11, fc, data.length]).toString('hex') + hex), outcome: '1 0 ' + hex });
      firstWords.push(data.readUInt16BE(0));
    }
    answers.push({ read: 16, frame: withCrc('11 83 04'), outcome: '2 4 -' });
    for (const a of answers) expect(stream.indexOf(Buffer.from(a.frame, 'hex')), 'read ' + a.read + ' in the stream').toBeGreaterThanOrEqual(0);
    // The corrupted answer (FC04, one bit of its first data byte flipped) is not in the stream as sent; the last read
    // gets nothing.
    expect(stream.indexOf(Buffer.from(withCrc('11 04 02 000a'), 'hex'))).toBe(-1);
    const expected = answers.map((a) => a.outcome);
    expected.splice(15, 0, '3 0 -');
    expected.push('4 0 -');
    expect(f.reads).toEqual(expected);

    // One sample per read: the first word (or coil) of a good answer, VALID; NaN otherwise, FAULT for the slave
    // device failure (exception 4), COMMS_LOSS for busy (6), the CRC error and the timeout.
    const nan = '7ff8000000000000';
    const valid = STATUS_LIST.indexOf('VALID');
    const lost = STATUS_LIST.indexOf('COMMS_LOSS');
    const fault = STATUS_LIST.indexOf('FAULT');
    const samples = firstWords.map((w, i) => (Number.isNaN(w) ? i + ' ' + lost + ' ' + nan + ' -1' : i + ' ' + valid + ' ' + float64Hex(w) + ' -1'));
    samples.push('15 ' + lost + ' ' + nan + ' -1', '16 ' + fault + ' ' + nan + ' -1', '17 ' + lost + ' ' + nan + ' -1');
    expect(f.samples).toEqual(samples);

    const c = f.counters;
    expect(c.bytesIn).toBe(stream.length);
    expect(c.frames).toBe(answers.length);
    expect(c.bytesFramed).toBe(answers.reduce((n, a) => n + a.frame.length / 2, 0));
    expect(c.bytesFramed + c.bytesDiscarded + f.pending).toBe(stream.length);
    expect(f.pending).toBe(0);
    // The corrupted copy behind the first answer, the false start 11 01 03 and the corrupted FC04 answer.
    expect(c.crcRejects).toBe(3);
    // Bytes that arrive with no request pending: only the 12 garbage bytes after the first answer can be.
    expect(c.unsolicited).toBeGreaterThan(0);
    expect(c.unsolicited).toBeLessThanOrEqual(12);
    expect([c.sent, c.retries, c.ok, c.exceptions, c.crcErrors, c.timeouts, c.invalid]).toEqual([18, 0, 14, 2, 1, 1, 0]);
  });

  it('worked emission vectors (test/kit/cems-vectors.ts) within their stated precision', () => {
    const values: { [id: string]: number } = {};
    for (const v of onDevice('cems') as { id: string; hex: string }[]) values[v.id] = Buffer.from(v.hex, 'hex').readDoubleBE(0);
    const expected: [string, string][] = [
      ['C1', '285.82'], ['C2', '286.00'], ['C3', '266.32'], ['C4', '261.86'], ['C5', '328.41'],
      ['D1', '227.27'], ['D2', '8.00'], ['O1', '314.69'], ['O2', '262.24'], ['O3', '174.83'], ['O4', '104.90'],
      ['F1', '7.0686'], ['F2', '381703.5'], ['F3', '220980.5'], ['F3_HJ', '220939.3'],
      ['M1', '50.223'], ['M2', '58.905'], ['M3', '68.4'], ['V1', '110'], ['V2_MEAN', '10.725'], ['V2_SIGMA', '0.3536'],
      ['V2', '11.432'], ['V3', '1.0122'], ['E_V2', '11.432'],
    ];
    for (const [id, text] of expected) {
      const decimals = text.includes('.') ? text.length - text.indexOf('.') - 1 : 0;
      expect(values[id].toFixed(decimals), id).toBe(text);
    }
    expect((values.K1 * 1e7).toFixed(3)).toBe('5.711');
    expect((values.K2 * 1e7).toFixed(4)).toBe('1.1939');
  });

  it('records: the committed golden files in test/golden/records', () => {
    const golden = (f: string) => readFileSync(join(ROOT, 'test/golden/records', f), 'utf8').trimEnd().split('\n');
    const out = onDevice('records') as { mac0: string[]; es256ToBeSigned: string[]; state: string };
    expect(Object.keys(out).sort()).toEqual(['es256ToBeSigned', 'mac0', 'state']);
    expect(out.mac0).toEqual(golden('mac0.hex'));
    expect(out.es256ToBeSigned).toEqual(golden('es256-tbs.hex'));
    expect(out.state).toBe(golden('state.hex')[0]);
  });

  it('ATECC608: CRC check values (cryptoauthlib atCRC) and the command packets cryptoauthlib builds', () => {
    expect(onDevice('ateccCrc')).toEqual([
      { input: '0411', wire: '3343' },
      { input: '0400', wire: '0340' },
      { input: '313233343536373839', wire: 'ddbc' },
      { input: '', wire: '0000' },
    ]);
    expect(onDevice('ateccPackets')).toEqual([
      { command: 'info-revision', packet: '030730000000035d' },
      { command: 'random-seed-update', packet: '03071b00000024cd' },
      { command: 'genkey-public-slot0', packet: '0307400000000005' },
      { command: 'read-config-block0', packet: '03070280000009ad' },
      { command: 'sign-external-msgdigbuf-slot0', packet: '030741a000007b85' },
      { command: 'nonce-passthrough-msgdigbuf-zeros', packet: '032716430000' + '00'.repeat(32) + '143a' },
    ]);
    expect(onDevice('ateccResponses')).toEqual([true, true, false, false]);
  });

  it('console: the lines of the chunked input', () => {
    expect(CONSOLE_VECTOR_MAX_LINE).toBe(24);
    // CRLF split across chunks counts once, backspace and DEL edit, control characters are dropped, the over-long
    // line is reported once and never delivered, the unterminated tail is not a line
    expect(onDevice('consoleInput')).toEqual([
      'line help',
      'line echo  a   b',
      'line ',
      'line nope 1',
      'line echo z',
      'overflow',
      'line echo afterthe long one',
      'line echo ok',
      'line fail now',
      'line    ',
    ]);
  });
});

describe('negative control', () => {
  // The same source, run on Node's V8 and in the sandbox the way the vectors are: a computation that is not
  // portable to Espruino must come out different, or the comparisons above would prove nothing.
  const PROBE = `(function () {
    var b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, Math.pow(2, 32), false);
    var hex = '';
    for (var i = 0; i < 8; i++) hex += (b[i] < 16 ? '0' : '') + b[i].toString(16);
    return { pow: hex, third: (1 / 3).toString(), point: (0.1).toFixed(20), num: 1 / 3, sorted: [3, 1, 2].sort().join() };
  })()`;

  it('Math.pow(2, 32) and decimal text differ between Node and the sandbox, and the harness sees it', () => {
    type Probe = { pow: string; third: string; point: string; num: number; sorted: string };
    const node = JSON.parse(JSON.stringify((0, eval)(PROBE))) as Probe;
    const device = JSON.parse(machine.evaluate('JSON.stringify(' + PROBE + ')') as string) as Probe;
    expect(node.pow).toBe('41f0000000000000');
    expect(device.pow).not.toBe(node.pow);
    expect(node.third).toBe('0.3333333333333333');
    expect(device.third).toBe('0.33333333333');
    expect(device.point).not.toBe(node.point);
    expect(device.num).not.toBe(node.num); // a float leaving as JSON number text: why vectors carry float64 bits
    expect(device.sorted).toBe(node.sorted); // portable: a default sort of small integers
    expect(device).not.toEqual(node);
  });
});
