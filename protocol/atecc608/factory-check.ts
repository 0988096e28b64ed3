// Factory test station check of a fitted ATECC608, six items:
//   1 presence + wake token, 2 Info revision (608A/608B), 3 config zone: serial number, lock bytes, key slot,
//   4 GenKey public key, 5 sign a station challenge (returned for verification on the host), 6 Random not stuck.
// Recording serial number -> public key -> certificate, a first TLS connect and the certificate rebuild of item 4
// belong to the station.
import { bytesEqual, toHex } from '../bytes';
import type { CodedError } from '../errors';
import type { Sha256 } from '../ports';
import { allowsExternalSign, deviceVariant, isP256PrivateKeySlot, summarizeConfig, type DeviceVariant } from './config-zone';
import type { Atecc608 } from './driver';
import { readConfigZone, readPublicKey, readRandom, readRevision, signDigest } from './operations';
import { hex2 } from './status';

export interface FactoryCheckOptions {
  /** Key slot of the device key (0 on Trust&GO / TrustFLEX). */
  slot: number;
  /** Station-generated random challenge; the device signs SHA-256(challenge). */
  challenge: Uint8Array;
  /** Public key X || Y from the lot manifest, or null when the station has none. */
  expectedPublicKey: Uint8Array | null;
}

export interface FactoryCheckStep {
  item: number;
  name: string;
  ok: boolean;
  /** 'OK', 'SKIPPED', a driver error code (ATECC_*) or a check failure code (FACTORY_*). */
  code: string;
  detail: string;
}

export interface FactoryCheckResult {
  ok: boolean;
  steps: FactoryCheckStep[];
  revision: Uint8Array | null;
  variant: DeviceVariant | null;
  serialNumber: Uint8Array | null;
  configLocked: boolean | null;
  dataLocked: boolean | null;
  publicKey: Uint8Array | null;
  challenge: Uint8Array;
  /** ECDSA r || s over SHA-256(challenge), to be verified by the station against publicKey. */
  signature: Uint8Array | null;
}

const STEP_NAMES = ['presence and wake token', 'Info revision', 'config zone', 'public key', 'sign challenge', 'random'];

type StepRun = (next: () => void) => void;

/** True when the 32 bytes are one repeated byte or the FF FF 00 00 pattern of a device whose config is unlocked. */
export function randomLooksStuck(r: Uint8Array): boolean {
  let same = true;
  let unlockedPattern = true;
  for (let i = 0; i < r.length; i++) {
    if (r[i] !== r[0]) same = false;
    if (r[i] !== ((i & 3) < 2 ? 0xff : 0x00)) unlockedPattern = false;
  }
  return same || unlockedPattern;
}

export function factoryCheck(
  dev: Atecc608,
  sha256: Sha256,
  options: FactoryCheckOptions,
  done: (result: FactoryCheckResult) => void,
): void {
  const result: FactoryCheckResult = {
    ok: false,
    steps: [],
    revision: null,
    variant: null,
    serialNumber: null,
    configLocked: null,
    dataLocked: null,
    publicKey: null,
    challenge: options.challenge,
    signature: null,
  };

  function record(ok: boolean, code: string, detail: string): void {
    const item = result.steps.length + 1;
    result.steps.push({ item: item, name: STEP_NAMES[item - 1], ok: ok, code: code, detail: detail });
  }

  function failed(err: CodedError): void {
    record(false, err.code, err.message);
  }

  const presence: StepRun = function (next) {
    dev.session(
      function (finish: (err: CodedError | null, r: boolean | null) => void) {
        finish(null, true);
      },
      function (err: CodedError | null) {
        if (err) failed(err);
        else record(true, 'OK', 'wake token 04113343 at 0x' + hex2(dev.address));
        next();
      },
    );
  };

  const revision: StepRun = function (next) {
    readRevision(dev, function (err, rev) {
      if (err || !rev) failed(err as CodedError);
      else {
        result.revision = rev;
        result.variant = deviceVariant(rev);
        if (result.variant === 'UNKNOWN') record(false, 'FACTORY_REVISION', 'not an ATECC608: revision ' + toHex(rev));
        else record(true, 'OK', result.variant + ' revision ' + toHex(rev));
      }
      next();
    });
  };

  const config: StepRun = function (next) {
    readConfigZone(dev, function (err, zone) {
      if (err || !zone) failed(err as CodedError);
      else {
        const s = summarizeConfig(zone);
        result.serialNumber = s.serialNumber;
        result.configLocked = s.configLocked;
        result.dataLocked = s.dataLocked;
        const problems: string[] = [];
        if (!s.serialNumberValid) problems.push('serial number ' + toHex(s.serialNumber) + ' lacks 0123..EE');
        if (!s.configLocked) problems.push('config zone unlocked');
        if (!s.dataLocked) problems.push('data zone unlocked');
        if (!isP256PrivateKeySlot(zone, options.slot)) problems.push('slot ' + options.slot + ' is not a P-256 private key');
        else if (!allowsExternalSign(zone, options.slot)) problems.push('slot ' + options.slot + ' does not allow external Sign');
        if (problems.length) record(false, 'FACTORY_CONFIG', problems.join('; '));
        else record(true, 'OK', 'SN ' + toHex(s.serialNumber) + ', config and data locked');
      }
      next();
    });
  };

  const publicKey: StepRun = function (next) {
    readPublicKey(dev, options.slot, function (err, key) {
      if (err || !key) failed(err as CodedError);
      else {
        result.publicKey = key;
        if (randomLooksStuck(key)) record(false, 'FACTORY_PUBLIC_KEY', 'public key is a constant pattern: ' + toHex(key));
        else if (options.expectedPublicKey && !bytesEqual(key, options.expectedPublicKey)) {
          record(false, 'FACTORY_PUBLIC_KEY', 'public key differs from the manifest');
        } else record(true, 'OK', 'slot ' + options.slot + ' public key ' + toHex(key.subarray(0, 8)) + '...');
      }
      next();
    });
  };

  const sign: StepRun = function (next) {
    signDigest(dev, options.slot, sha256(options.challenge), function (err, signature) {
      if (err || !signature) failed(err as CodedError);
      else {
        result.signature = signature;
        record(true, 'OK', 'challenge signed; verify r || s on the station against the public key');
      }
      next();
    });
  };

  const randomCheck: StepRun = function (next) {
    readRandom(dev, function (err, first) {
      if (err || !first) {
        failed(err as CodedError);
        next();
        return;
      }
      readRandom(dev, function (err2, second) {
        if (err2 || !second) failed(err2 as CodedError);
        else if (randomLooksStuck(first) || randomLooksStuck(second) || bytesEqual(first, second)) {
          record(false, 'FACTORY_RANDOM_STUCK', 'random output stuck: ' + toHex(first) + ' / ' + toHex(second));
        } else record(true, 'OK', 'two different random outputs');
        next();
      });
    });
  };

  const steps: StepRun[] = [presence, revision, config, publicKey, sign, randomCheck];

  function finishAll(): void {
    let ok = result.steps.length === steps.length;
    for (let i = 0; i < result.steps.length; i++) if (!result.steps[i].ok) ok = false;
    result.ok = ok;
    done(result);
  }

  function run(index: number): void {
    if (index === steps.length) {
      finishAll();
      return;
    }
    steps[index](function () {
      // Without an answering device every later item would fail the same way: report them as skipped.
      if (index === 0 && !result.steps[0].ok) {
        for (let i = 1; i < steps.length; i++) record(false, 'SKIPPED', 'no device');
        finishAll();
        return;
      }
      run(index + 1);
    });
  }

  run(0);
}
