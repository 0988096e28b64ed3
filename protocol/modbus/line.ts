// Serial line settings and wire time: the host compiles them into the plan (bits per character, inter-frame gap; the
// device derives response deadlines and the DE hold time from them), and the simulator times its virtual line.

export type Parity = 'none' | 'even' | 'odd';

export interface LineSettings {
  baud: number;
  dataBits: number;
  parity: Parity;
  stopBits: number;
}

/** Bits per character on the wire: start + data + parity + stop. */
export function charBits(line: LineSettings): number {
  return 1 + line.dataBits + (line.parity === 'none' ? 0 : 1) + line.stopBits;
}

/** Whole milliseconds `bytes` occupy on the wire, rounded up. */
export function wireTimeMs(bytes: number, line: LineSettings): number {
  return Math.ceil((bytes * charBits(line) * 1000) / line.baud);
}

/**
 * Silent interval between frames in whole ms: 3.5 characters, fixed 1.75 ms above 19200 baud
 * (Modbus over Serial Line v1.02 section 2.5.1.1), rounded up to at least 2 ms since JS timers are coarse.
 */
export function interFrameMs(line: LineSettings): number {
  if (line.baud > 19200) return 2;
  return Math.max(2, Math.ceil((7 * charBits(line) * 1000) / (2 * line.baud)));
}
