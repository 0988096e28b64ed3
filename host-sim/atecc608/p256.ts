// ECDSA P-256 over a precomputed digest, for the ATECC608 emulator: the chip signs a 32-byte digest it never saw the
// message of, which node:crypto cannot do (it always hashes). Affine/Jacobian arithmetic with BigInt; not constant
// time — a test fixture, never for production keys. Curve constants: SEC 2 §2.4.2 / FIPS 186-4 D.1.2.3.
// Deterministic nonces follow RFC 6979 §3.2 with HMAC-SHA256.
import { createHmac } from 'node:crypto';

const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
export const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;
const GX = 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n;
const GY = 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n;

/** Jacobian point (X / Z^2, Y / Z^3); Z = 0 is the point at infinity. */
interface Jacobian {
  x: bigint;
  y: bigint;
  z: bigint;
}

const INFINITY: Jacobian = { x: 1n, y: 1n, z: 0n };

function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

function invert(a: bigint, m: bigint): bigint {
  let [r0, r1] = [mod(a, m), m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new Error('p256: not invertible');
  return mod(s0, m);
}

// dbl-2001-b (a = -3)
function double(p: Jacobian): Jacobian {
  if (p.z === 0n || p.y === 0n) return INFINITY;
  const delta = mod(p.z * p.z, P);
  const gamma = mod(p.y * p.y, P);
  const beta = mod(p.x * gamma, P);
  const alpha = mod(3n * (p.x - delta) * (p.x + delta), P);
  const x = mod(alpha * alpha - 8n * beta, P);
  const z = mod((p.y + p.z) * (p.y + p.z) - gamma - delta, P);
  const y = mod(alpha * (4n * beta - x) - 8n * gamma * gamma, P);
  return { x, y, z };
}

// add-2007-bl
function add(p: Jacobian, q: Jacobian): Jacobian {
  if (p.z === 0n) return q;
  if (q.z === 0n) return p;
  const z1z1 = mod(p.z * p.z, P);
  const z2z2 = mod(q.z * q.z, P);
  const u1 = mod(p.x * z2z2, P);
  const u2 = mod(q.x * z1z1, P);
  const s1 = mod(p.y * q.z * z2z2, P);
  const s2 = mod(q.y * p.z * z1z1, P);
  const h = mod(u2 - u1, P);
  const r = mod(2n * (s2 - s1), P);
  if (h === 0n) return r === 0n ? double(p) : INFINITY;
  const i = mod(4n * h * h, P);
  const j = mod(h * i, P);
  const v = mod(u1 * i, P);
  const x = mod(r * r - j - 2n * v, P);
  const y = mod(r * (v - x) - 2n * s1 * j, P);
  const z = mod(((p.z + q.z) * (p.z + q.z) - z1z1 - z2z2) * h, P);
  return { x, y, z };
}

function multiply(k: bigint, p: Jacobian): Jacobian {
  let acc = INFINITY;
  for (let bit = BigInt(k.toString(2).length - 1); bit >= 0n; bit--) {
    acc = double(acc);
    if ((k >> bit) & 1n) acc = add(acc, p);
  }
  return acc;
}

function toAffine(p: Jacobian): { x: bigint; y: bigint } {
  if (p.z === 0n) throw new Error('p256: point at infinity');
  const zi = invert(p.z, P);
  const zi2 = mod(zi * zi, P);
  return { x: mod(p.x * zi2, P), y: mod(p.y * zi2 * zi, P) };
}

const G: Jacobian = { x: GX, y: GY, z: 1n };

export function bytesToBigInt(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

function bigIntTo32(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** True for a valid private scalar 1 <= d < n. */
export function isValidPrivateKey(d: Uint8Array): boolean {
  const v = bytesToBigInt(d);
  return d.length === 32 && v >= 1n && v < N;
}

/** Public key X || Y (64 bytes) of private scalar d. */
export function publicKeyOf(d: Uint8Array): Uint8Array {
  const q = toAffine(multiply(bytesToBigInt(d), G));
  const out = new Uint8Array(64);
  out.set(bigIntTo32(q.x), 0);
  out.set(bigIntTo32(q.y), 32);
  return out;
}

/** True when X || Y satisfies y^2 = x^3 - 3x + b (mod p). */
export function isOnCurve(publicKey: Uint8Array): boolean {
  const x = bytesToBigInt(publicKey.subarray(0, 32));
  const y = bytesToBigInt(publicKey.subarray(32, 64));
  if (x >= P || y >= P) return false;
  return mod(y * y - (x * x * x - 3n * x + B), P) === 0n;
}

function hmac(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** RFC 6979 §3.2 nonce for P-256 / SHA-256 (qlen = hlen = 256, so bits2int is the plain integer). */
export function rfc6979Nonce(d: Uint8Array, digest: Uint8Array): bigint {
  const x = bigIntTo32(bytesToBigInt(d));
  const h = bigIntTo32(mod(bytesToBigInt(digest), N));
  let v: Uint8Array = new Uint8Array(32).fill(0x01);
  let k: Uint8Array = new Uint8Array(32);
  k = hmac(k, v, Uint8Array.of(0x00), x, h);
  v = hmac(k, v);
  k = hmac(k, v, Uint8Array.of(0x01), x, h);
  v = hmac(k, v);
  for (;;) {
    v = hmac(k, v);
    const candidate = bytesToBigInt(v);
    if (candidate >= 1n && candidate < N) return candidate;
    k = hmac(k, v, Uint8Array.of(0x00));
    v = hmac(k, v);
  }
}

/**
 * ECDSA signature r || s of a 32-byte digest. `nonce` supplies k candidates (RFC 6979 or random); a candidate
 * giving r = 0 or s = 0 is replaced by the next one.
 */
export function signDigest(d: Uint8Array, digest: Uint8Array, nonce: () => bigint): Uint8Array {
  const priv = bytesToBigInt(d);
  const e = mod(bytesToBigInt(digest), N);
  for (;;) {
    const k = nonce();
    if (k < 1n || k >= N) continue;
    const r = mod(toAffine(multiply(k, G)).x, N);
    if (r === 0n) continue;
    const s = mod(invert(k, N) * (e + r * priv), N);
    if (s === 0n) continue;
    const out = new Uint8Array(64);
    out.set(bigIntTo32(r), 0);
    out.set(bigIntTo32(s), 32);
    return out;
  }
}
