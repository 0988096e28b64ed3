#!/usr/bin/python3
"""Independent verifier for CEMS record captures (Debian python3-cbor2 + python3-cryptography).

Usage: verify_records.py CAPTURE.json

CAPTURE.json: {"keys": {"hmac": {KID_HEX: KEY_HEX}, "es256": {KID_HEX: {"x": HEX, "y": HEX}}},
               "records": [COSE_HEX, ...]}   (records in emission order)

For every record: decode the COSE_Sign1 (tag 18) / COSE_Mac0 (tag 17), rebuild the Sig_structure / MAC_structure
from the message, check the ES256 signature (raw r||s) or the HMAC-SHA256 tag with the key named by the kid, check
that the payload is in canonical CBOR (re-encoding it gives the same bytes), and check the hash chain: each record's
prev (payload key 3) is SHA-256 of the previous record's bytes, and a jump in seq (payload key 2) is allowed only for
a gap event (payload key 9, kind 4, reason 1) that declares the skipped numbers and links to the record before them.
Prints one JSON object per record, then {"summary": ...}. Exit status 0 when everything verifies, 1 otherwise.
"""
import hashlib
import json
import sys

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

ALG_ES256 = -7
ALG_HMAC_256 = 5


def es256_key(x_hex, y_hex):
    numbers = ec.EllipticCurvePublicNumbers(int(x_hex, 16), int(y_hex, 16), ec.SECP256R1())
    return numbers.public_key()


def check_auth(kind, alg, kid, tbs, sig, keys):
    kid_hex = kid.hex() if isinstance(kid, bytes) else None
    if kind == 'sign1':
        if alg != ALG_ES256 or kid_hex not in keys['es256'] or len(sig) != 64:
            return False
        k = keys['es256'][kid_hex]
        der = encode_dss_signature(int.from_bytes(sig[:32], 'big'), int.from_bytes(sig[32:], 'big'))
        try:
            es256_key(k['x'], k['y']).verify(der, tbs, ec.ECDSA(hashes.SHA256()))
            return True
        except InvalidSignature:
            return False
    if alg != ALG_HMAC_256 or kid_hex not in keys['hmac']:
        return False
    h = hmac.HMAC(bytes.fromhex(keys['hmac'][kid_hex]), hashes.SHA256())
    h.update(tbs)
    try:
        h.verify(sig)
        return True
    except InvalidSignature:
        return False


def main(path):
    with open(path) as f:
        capture = json.load(f)
    keys = {'hmac': capture['keys'].get('hmac', {}), 'es256': capture['keys'].get('es256', {})}
    results = []
    hash_by_seq = {}
    last_seq = None
    all_ok = True
    for index, rec_hex in enumerate(capture['records']):
        raw = bytes.fromhex(rec_hex)
        out = {'index': index, 'seq': None, 'kind': None, 'auth': False, 'canonical': False, 'chain': None}
        results.append(out)
        try:
            msg = cbor2.loads(raw)
        except Exception as e:  # noqa: BLE001 - report any decoder failure as a failed record
            out['error'] = 'cbor: ' + str(e)
            all_ok = False
            continue
        if not isinstance(msg, cbor2.CBORTag) or msg.tag not in (17, 18) or not isinstance(msg.value, list) or len(msg.value) != 4:
            out['error'] = 'not a tagged COSE_Sign1/COSE_Mac0'
            all_ok = False
            continue
        kind = 'sign1' if msg.tag == 18 else 'mac0'
        prot, unprot, payload, sig = msg.value
        out['kind'] = kind
        prot_map = cbor2.loads(prot) if len(prot) else {}
        alg = prot_map.get(1, unprot.get(1))
        out['alg'] = alg
        tbs_prot = b'' if prot_map == {} else prot
        context = 'Signature1' if kind == 'sign1' else 'MAC0'
        tbs = cbor2.dumps([context, tbs_prot, b'', payload])
        out['auth'] = check_auth(kind, alg, unprot.get(4), tbs, sig, keys)
        body = cbor2.loads(payload)
        out['canonical'] = cbor2.dumps(body, canonical=True) == payload
        seq, prev = body[2], body[3]
        out['seq'] = seq
        digest = hashlib.sha256(raw).digest()
        if not out['auth'] or not out['canonical']:
            all_ok = False
            continue
        event = body.get(9) if body.get(1) == 2 else None
        gap = event[4] if event is not None and event[0] == 4 and event[4].get(0) == 1 else None
        if last_seq is None:
            out['chain'] = 'genesis' if seq == 0 and prev == bytes(32) else 'start'
        elif gap is not None and seq > last_seq and gap.get(2) == seq - 1 and gap.get(1) <= last_seq + 1:
            anchor = bytes(32) if gap[1] == 0 else hash_by_seq.get(gap[1] - 1)
            out['chain'] = 'gap-declared' if anchor == prev else 'broken'
        elif seq == last_seq + 1:
            out['chain'] = 'ok' if hash_by_seq.get(last_seq) == prev else 'broken'
        else:
            out['chain'] = 'broken'
        if out['chain'] == 'broken':
            all_ok = False
        hash_by_seq.setdefault(seq, digest)
        last_seq = seq
    for r in results:
        print(json.dumps(r, sort_keys=True))
    summary = {
        'records': len(results),
        'auth_ok': sum(1 for r in results if r['auth']),
        'canonical_ok': sum(1 for r in results if r['canonical']),
        'chain_ok': all(r['chain'] in ('ok', 'genesis', 'start', 'gap-declared') for r in results),
        'ok': all_ok,
    }
    print(json.dumps({'summary': summary}, sort_keys=True))
    return 0 if all_ok else 1


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
