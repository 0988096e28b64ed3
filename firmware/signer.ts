// Opens the record signer the plan names: HMAC-SHA256 with the key provisioned in Storage (resident, two hashes per
// record), or ES256 in the ATECC608, whose driver is the Storage module cems.se: loaded to read the public key once
// and for every signature, released in between.
import { Meta, Section, SignerKind } from '../protocol/plan/format';
import { planF64, planStringBytes, type Plan } from '../protocol/plan/reader';
import { bytesToAscii, fromHex, toHex } from '../protocol/bytes';
import { codedError, errorMessage, type CodedError } from '../protocol/errors';
import { createHmacSigner } from '../protocol/record/hmac-signer';
import { COSE_ALG_ES256, type Signer } from '../protocol/record/signer';
import { load, release, MODULE_SECURE_ELEMENT } from './modules';
import { sha256 } from './platform';
import { readFile } from './storage-state';

/** Where the secure element sits: plan META fields SE_*. */
export interface SecureElementPlan {
  bus: number;
  scl: number;
  sda: number;
  address: number;
  slot: number;
  gpioWake: boolean;
}

export interface SecureElementModule {
  open(se: SecureElementPlan, done: (err: CodedError | null, kid: Uint8Array | null) => void): void;
  sign(se: SecureElementPlan, digest: Uint8Array, done: (err: CodedError | null, signature: Uint8Array | null) => void): void;
}

/** Retry interval while the secure element does not answer. */
export const SIGNER_RETRY_MS = 30000;

function text(plan: Plan, i: number): string {
  return bytesToAscii(planStringBytes(plan, i));
}

/**
 * The ES256 signer over the secure element module: reads the public key (the kid) once, then signs SHA-256(buf[start,
 * end)) in the chip. `use` gives the module for one operation and `unuse` follows each, so that the device can load
 * it on demand and release it in between.
 */
export function openSecureElementSigner(
  se: SecureElementPlan,
  use: () => SecureElementModule,
  unuse: () => void,
  done: (err: CodedError | null, signer: Signer | null) => void,
): void {
  use().open(se, function (err, kid) {
    unuse();
    if (err || !kid) {
      done(err || codedError('ATECC_KID', 'no public key'), null);
      return;
    }
    done(null, {
      alg: COSE_ALG_ES256,
      kid: kid,
      sign: function (buf, start, end, signed) {
        const digest = sha256(buf.subarray(start, end));
        use().sign(se, digest, function (e, signature) {
          unuse();
          signed(e, signature);
        });
      },
    });
  });
}

function loadSecureElement(): SecureElementModule {
  return load<SecureElementModule>(MODULE_SECURE_ELEMENT);
}

function releaseSecureElement(): void {
  release(MODULE_SECURE_ELEMENT);
}

/** Opens the signer; `done` gets it, or an error and whether retrying may help (a missing chip may be re-seated). */
export function openSigner(plan: Plan, done: (err: CodedError | null, signer: Signer | null, retry: boolean) => void): void {
  const meta = planF64(plan, Section.META);
  if (meta[Meta.SIGNER] === SignerKind.HMAC) {
    const file = text(plan, meta[Meta.HMAC_KEY_FILE]);
    const key = readFile(file);
    if (!key) {
      done(codedError('HMAC_KEY_MISSING', 'no HMAC key provisioned in Storage "' + file + '"'), null, false);
      return;
    }
    try {
      done(null, createHmacSigner(sha256, key, fromHex(text(plan, meta[Meta.KID]))), false);
    } catch (e) {
      done(codedError('HMAC_KEY', errorMessage(e)), null, false);
    }
    return;
  }
  const se: SecureElementPlan = {
    bus: meta[Meta.SE_BUS],
    scl: meta[Meta.SE_SCL],
    sda: meta[Meta.SE_SDA],
    address: meta[Meta.SE_ADDRESS],
    slot: meta[Meta.SE_SLOT],
    gpioWake: meta[Meta.SE_GPIO_WAKE] === 1,
  };
  openSecureElementSigner(se, loadSecureElement, releaseSecureElement, function (err, signer) {
    done(err, signer, err !== null);
  });
}

export function kidText(signer: Signer): string {
  return toHex(signer.kid);
}
