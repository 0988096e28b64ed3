import { describe, expect, it } from 'vitest';
import { ModbusConfig, resolveModbusConfig, validateModbusConfig } from '../../protocol/modbus/config';
import { fieldErrorText } from '../../protocol/errors';
import { BUILTIN_PROFILES } from '../../protocol/modbus/profiles/index';
import { demoConfig } from '../../host-sim/modbus/plant';
import { mixedPlant } from './helpers';

/** The validator's findings as "path: message" lines. */
function modbusErrors(cfg: unknown): string[] {
  return validateModbusConfig(cfg).map(fieldErrorText);
}

function base(): ModbusConfig {
  return {
    buses: [{ id: 'bus1', baud: 9600 }],
    devices: [
      { id: 'gm32', bus: 'bus1', address: 1, profile: 'SICK_GM32', channels: [{ id: 'so2', register: 'c1', periodMs: 1000 }] },
      {
        id: 'own',
        bus: 'bus1',
        address: 2,
        addressing: 'modicon',
        registers: [
          { name: 'a', table: 'holding', address: 40001, type: 'float32' },
          { name: 'b', table: 'holding', address: 40003, type: 'int16', scale: 1, divisor: 10 },
          { name: 'c', table: 'input', address: 30001, type: 'uint32' },
          { name: 'd', table: 'holding', address: 40010, type: 'float32', wordOrder: 'CDAB', status: 'st' },
        ],
        statuses: [{ name: 'st', table: 'discrete', address: 10001, count: 4, rules: [{ bit: 0, status: 'FAULT' }] }],
        channels: [
          { id: 'x', register: 'a', periodMs: 1000 },
          { id: 'y', register: 'd', periodMs: 2000 },
        ],
      },
    ],
  };
}

describe('Modbus configuration validator', () => {
  it('accepts the default and the mixed plant and every built-in profile as a user profile', () => {
    expect(modbusErrors(demoConfig())).toEqual([]);
    expect(modbusErrors(mixedPlant())).toEqual([]);
    expect(modbusErrors(base())).toEqual([]);
    const profiles = Object.keys(BUILTIN_PROFILES).map((k) => ({ ...BUILTIN_PROFILES[k], id: 'MY_' + k }));
    expect(modbusErrors({ ...base(), profiles })).toEqual([]);
  });

  it('names the exact path of a bad word order', () => {
    const cfg = base();
    (cfg.devices[1].registers![3] as unknown as { wordOrder: string }).wordOrder = 'ACBD';
    expect(modbusErrors(cfg)).toEqual(['devices[1].registers[3].wordOrder: expected one of ABCD,CDAB,BADC,DCBA']);
  });

  it('reports every problem with its path', () => {
    const cfg = base() as unknown as { [k: string]: any };
    cfg.buses.push({ id: 'bus1', baud: 9600, parity: 'mark', silenceTimeoutMs: 20, direction: 'pin' });
    cfg.devices[0].address = 248;
    cfg.devices[0].channels[0].register = 'c9';
    cfg.devices[1].registers[0].type = 'bit';
    cfg.devices[1].registers[1].divisor = 0;
    cfg.devices[1].registers[2].address = 40001;
    cfg.devices[1].statuses[0].rules[0] = { bit: 4, equals: 1, status: 'BROKEN' };
    cfg.devices.push({ id: 'gm32', bus: 'bus2', address: 2, profile: 'NOPE', channels: [] });
    const errors = modbusErrors(cfg);
    expect(errors).toEqual(
      expect.arrayContaining([
        'buses[1].parity: expected one of none,even,odd',
        'buses[1].dePin: required',
        'buses[1].id: duplicate id "bus1"',
        'devices[0].address: expected an integer in 1..247',
        "devices[1].registers[0].type: 'bit' needs table coil or discrete",
        'devices[1].registers[1].divisor: must not be 0',
        'devices[1].registers[2].address: not a valid modicon address',
        'devices[1].statuses[0].rules[0]: expected exactly one of bit, equals',
        'devices[1].statuses[0].rules[0].bit: expected an integer in 0..3',
        'devices[1].statuses[0].rules[0].status: expected one of VALID,CALIBRATION,MAINTENANCE,FAULT,WARMING_UP,OVERRANGE,OUT_OF_CAL_RANGE,COMMS_LOSS,STOPPED,MANUAL,SUBSTITUTED,INSUFFICIENT_DATA,STARTUP_SHUTDOWN',
        'devices[2].bus: unknown bus "bus2"',
        'devices[2].profile: unknown profile "NOPE"',
        'devices[2].channels: expected at least one channel',
        'devices[2].id: duplicate id "gm32"',
      ]),
    );
    // The channel of devices[0] is checked once the device's own fields are valid.
    cfg.devices[0].address = 1;
    expect(modbusErrors(cfg)).toContain('devices[0].channels[0].register: unknown register "c9"');
  });

  it('requires timeouts longer than a 64-byte chunk on the wire', () => {
    const cfg = base();
    cfg.buses[0].silenceTimeoutMs = 50;
    cfg.buses[0].baud = 9600;
    expect(modbusErrors(cfg)).toEqual([
      'buses[0].silenceTimeoutMs: must be at least 77 ms at 9600 baud (wire time of a 64-byte UART chunk + 10 ms)',
    ]);
    cfg.buses[0].baud = 115200;
    expect(modbusErrors(cfg)).toEqual([]);
  });

  it('rejects unknown status references, forbidden registers and clashing ids', () => {
    const cfg = base();
    cfg.devices[1].registers![0].status = 'nope';
    cfg.devices[1].channels.push({ id: 'so2', register: 'b', periodMs: 1000 });
    cfg.devices.push({ id: 'dup', bus: 'bus1', address: 1, profile: 'FLOAT32_BLOCK', channels: [{ id: 'v', register: 'v1', periodMs: 1000 }] });
    cfg.profiles = [
      {
        id: 'FORBIDDING',
        title: 't',
        source: 'test',
        addressing: 'pdu',
        wordOrder: 'ABCD',
        zeroWhileNotMeasuring: false,
        forbidden: [{ table: 'input', start: 10, end: 11 }],
        statuses: [],
        registers: [{ name: 'r', table: 'input', address: 10, type: 'float32' }],
      },
      { ...BUILTIN_PROFILES.SICK_GM32 },
    ];
    cfg.devices.push({ id: 'f', bus: 'bus1', address: 9, profile: 'FORBIDDING', channels: [{ id: 'r', register: 'r', periodMs: 1000 }] });
    expect(modbusErrors(cfg)).toEqual(
      expect.arrayContaining([
        'devices[1].registers[0].status: unknown status "nope"',
        'devices[1].channels[2].id: duplicate channel id "so2"',
        'devices[2].address: slave 1 already used on bus "bus1"',
        'devices[3].channels[0].register: "r" lies in a forbidden range',
        'profiles[1].id: "SICK_GM32" is a built-in profile',
      ]),
    );
  });
});

describe('Modbus configuration resolver', () => {
  it('resolves addresses, word orders, scaling and limits', () => {
    const [bus] = resolveModbusConfig(base());
    expect(bus.line).toEqual({ baud: 9600, dataBits: 8, parity: 'none', stopBits: 1 });
    expect(bus.silenceTimeoutMs).toBe(100);
    expect(bus.interFrameMs).toBe(4);
    const [gm32, own] = bus.devices;
    expect(gm32.channels[0].register).toMatchObject({ fc: 4, address: 5000, type: 'float32', order: 'ABCD' });
    expect(gm32.channels[0].register.status).toMatchObject({ fc: 4, address: 5002, count: 1 });
    expect(gm32.zeroWhileNotMeasuring).toBe(true);
    expect(own.channels[0].register).toMatchObject({ fc: 3, address: 0, order: 'ABCD' });
    expect(own.channels[1].register).toMatchObject({ fc: 3, address: 9, order: 'CDAB' });
    expect(own.channels[1].register.status).toMatchObject({ fc: 2, address: 0, count: 4 });
  });

  it('applies device word order and address offset to a profile', () => {
    const cfg = base();
    cfg.devices[0] = {
      id: 'blk',
      bus: 'bus1',
      address: 1,
      profile: 'FLOAT32_BLOCK',
      wordOrder: 'DCBA',
      addressOffset: 100,
      channels: [{ id: 'v3', register: 'v3', periodMs: 1000 }],
    };
    const [bus] = resolveModbusConfig(cfg);
    expect(bus.devices[0].channels[0].register).toMatchObject({ fc: 4, address: 104, order: 'DCBA' });
    expect(() => resolveModbusConfig({ ...cfg, buses: [] })).toThrow(expect.objectContaining({ code: 'MODBUS_CONFIG', message: expect.stringMatching(/^buses: expected at least one bus/) }));
  });
});

describe('names that are Object.prototype members', () => {
  const NAMES = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'];

  it.each(NAMES)('"%s" as an unknown profile, bus, register or status is reported at its path, never thrown', (name) => {
    const unknownProfile = base();
    unknownProfile.devices[0].profile = name;
    expect(modbusErrors(unknownProfile)).toEqual(['devices[0].profile: unknown profile "' + name + '"']);
    const unknownBus = base();
    unknownBus.devices[0].bus = name;
    expect(modbusErrors(unknownBus)).toEqual(['devices[0].bus: unknown bus "' + name + '"']);
    const unknownRegister = base();
    unknownRegister.devices[1].channels[0].register = name;
    expect(modbusErrors(unknownRegister)).toEqual(['devices[1].channels[0].register: unknown register "' + name + '"']);
    const unknownStatus = base();
    unknownStatus.devices[1].registers![0].status = name;
    expect(modbusErrors(unknownStatus)).toEqual(['devices[1].registers[0].status: unknown status "' + name + '"']);
    const profileStatus = base();
    profileStatus.profiles = [{ ...BUILTIN_PROFILES.FLOAT32_BLOCK, id: 'MINE' }];
    profileStatus.profiles[0].registers = [{ name: 'r', table: 'input', address: 0, type: 'float32', status: name }];
    expect(modbusErrors(profileStatus)).toEqual(['profiles[0].registers[0].status: unknown status "' + name + '"']);
  });

  it.each(NAMES)('"%s" is an ordinary id or name of a bus, profile, device, register and status', (name) => {
    const cfg: ModbusConfig = {
      buses: [{ id: name, baud: 9600 }],
      profiles: [
        {
          id: name,
          title: 't',
          source: 'test',
          addressing: 'pdu',
          wordOrder: 'ABCD',
          zeroWhileNotMeasuring: false,
          statuses: [{ name, table: 'input', address: 0, rules: [{ bit: 0, status: 'FAULT' }] }],
          registers: [{ name, table: 'input', address: 10, type: 'float32', status: name }],
        },
      ],
      devices: [{ id: name, bus: name, address: 1, profile: name, channels: [{ id: name, register: name, periodMs: 1000 }] }],
    };
    expect(modbusErrors(cfg)).toEqual([]);
    const [bus] = resolveModbusConfig(cfg);
    expect(bus.id).toBe(name);
    expect(bus.devices.map((d) => d.id + ' ' + d.profile)).toEqual([name + ' ' + name]);
    expect(bus.devices[0].channels[0].register).toMatchObject({ name, fc: 4, address: 10, status: { name, fc: 4, address: 0 } });
    // A device's own definitions replace the profile's under the same name, and duplicates are still found.
    cfg.devices[0].registers = [{ name, table: 'holding', address: 20, type: 'int16' }];
    expect(resolveModbusConfig(cfg)[0].devices[0].channels[0].register).toMatchObject({ fc: 3, address: 20, status: null });
    cfg.buses.push({ id: name, baud: 9600 });
    cfg.devices.push({ id: name, bus: name, address: 1, profile: name, channels: [{ id: name, register: name, periodMs: 1000 }] });
    expect(modbusErrors(cfg)).toEqual([
      'buses[1].id: duplicate id "' + name + '"',
      'devices[1].id: duplicate id "' + name + '"',
      'devices[1].address: slave 1 already used on bus "' + name + '"',
      'devices[1].channels[0].id: duplicate channel id "' + name + '"',
    ]);
  });

  it('a configured profile named like an Object.prototype member is not taken for a built-in one', () => {
    const cfg = base();
    cfg.profiles = [{ ...BUILTIN_PROFILES.FLOAT32_BLOCK, id: 'hasOwnProperty' }];
    expect(modbusErrors(cfg)).toEqual([]);
  });
});
