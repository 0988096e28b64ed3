// The single place for device-level settings: target board, serial link, Storage file names and upload options.
// Read by scripts/build.ts, scripts/flash.ts and the host simulator. Plain data: no logic.

/** @type {import('./scripts/espruino-config').EspruinoConfig} */
const config = {
  board: {
    id: 'ESP32',
    // Offline board description for the espruino CLI (generated from Espruino 2v29 boards/ESP32.py).
    descriptionFile: 'firmware/ESP32.board.json',
    interpreter: 'Espruino 2v29',
  },
  upload: {
    // Serial (/dev/ttyUSB0) or tcp://host[:port]; overridden by `npm run flash -- --port ...`.
    port: '/dev/ttyUSB0',
    // The espruino CLI defaults to 9600; the ESP32 console runs at 115200.
    baud: 115200,
    // The bundle is written into this Storage file and run at every boot.
    bootFile: '.bootcde',
    // Reset the interpreter before sending, so no state from an earlier firmware survives.
    resetBeforeSend: true,
    // What `npm run flash -- --dry-run` writes: exactly the bytes that would be sent to the device.
    dryRunOutput: 'dist/upload.js',
  },
  storage: {
    // Storage names are at most 28 bytes on Espruino (longer names are silently truncated).
    // Record chain state, written alternately to two files (a Storage replace is not atomic).
    chainSlots: ['cems.seq0', 'cems.seq1'],
    // Emissions-engine snapshot (open averaging periods, substitution lookbacks) saved at every period close.
    engineState: 'cems.eng',
    // The compiled configuration (plan): written by provisioning; without it the embedded default plan runs.
    plan: 'cems.plan',
    defaultPlan: 'cems.dflt',
    // HMAC record key when the plan names none.
    hmacKey: 'cems.key',
    // Code loaded on demand and released afterwards (firmware/modules/*.ts).
    modules: { close: 'cems.close', seal: 'cems.seal', commands: 'cems.cmd', secureElement: 'cems.se' },
  },
  bundle: {
    entry: 'firmware/main.ts',
    output: 'dist/firmware.js',
    // Every Storage file the device needs, file name = Storage name (the set flash uploads and tests install).
    storageDir: 'dist/storage',
    moduleEntries: {
      'cems.close': 'firmware/modules/close.ts',
      'cems.seal': 'firmware/modules/seal.ts',
      'cems.cmd': 'firmware/modules/commands.ts',
      'cems.se': 'firmware/modules/secure-element.ts',
    },
    conformanceEntry: 'firmware/conformance.ts',
    conformanceOutput: 'dist/conformance.js',
  },
};

export default config;
