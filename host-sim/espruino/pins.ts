// Simulated GPIO: firmware drives outputs (e.g. an RS-485 DE pin) and reads inputs the host sets. Unset inputs
// read 1: ESP32 module inputs such as GPIO0 (BOOT) have pull-ups.

export interface PinEvent {
  pin: string;
  value: number;
  tMs: number;
}

export class SimPins {
  private readonly levels = new Map<string, number>();
  private readonly modes = new Map<string, string>();
  readonly writes: PinEvent[] = [];
  private readonly watchers: ((e: PinEvent) => void)[] = [];
  now: () => number = () => Date.now();

  private static pinName(pin: unknown): string {
    return typeof pin === 'number' ? 'D' + pin : String(pin);
  }

  setInput(pin: string, level: number): void {
    this.levels.set(pin, level ? 1 : 0);
  }

  onWrite(fn: (e: PinEvent) => void): void {
    this.watchers.push(fn);
  }

  digitalWrite(pin: unknown, value: unknown): void {
    const e = { pin: SimPins.pinName(pin), value: value ? 1 : 0, tMs: this.now() };
    this.levels.set(e.pin, e.value);
    this.writes.push(e);
    for (const w of this.watchers) w(e);
  }

  digitalRead(pin: unknown): number {
    const level = this.levels.get(SimPins.pinName(pin));
    return level === undefined ? 1 : level;
  }

  pinMode(pin: unknown, mode: unknown): void {
    this.modes.set(SimPins.pinName(pin), String(mode));
  }

  modeOf(pin: string): string | undefined {
    return this.modes.get(pin);
  }
}
