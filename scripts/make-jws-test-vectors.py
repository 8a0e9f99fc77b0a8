#!/usr/bin/env python3
"""Writes Tests/SessionAuthCryptoTests/Vectors/jws-vectors.json: JWS test vectors for SessionAuthCrypto.

Tokens are signed by joserfc (an independent JWT library: the interoperability proof); keys are made by
`cryptography`. Only PUBLIC halves go into the file, plus a few private-key PEMs that the tests feed to
VerificationKey(pem:) to check that they are refused. Keys are fresh on every run; rerun the script and
the tests still hold (they assert behaviour, not particular bytes). `verifierTokens` are whole tokens for
TokenVerifier (no kid, a kid naming the wrong key, payloads that are not claims, the RS/HS forgery), all
checked at `verifierNow`.

    python3 scripts/make-jws-test-vectors.py
"""
import base64
import datetime
import hashlib
import hmac
import json
import os
import pathlib

import cryptography
import joserfc
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.x509.oid import NameOID
from joserfc import jws
from joserfc.jwk import ECKey, OctKey, OKPKey, RSAKey

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests/SessionAuthCryptoTests/Vectors/jws-vectors.json"

# Group orders (SEC 2 §2.4.2, §2.5.1), for the r = n / s = n cases.
ORDER = {
    "P-256": 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    "P-384": 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973,
}
FIELD = {"P-256": 32, "P-384": 48}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def pem_public(key) -> str:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def pem_private(key, fmt) -> str:
    return key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption()).decode()


def public_jwk(jose_key) -> dict:
    return {k: v for k, v in jose_key.as_dict(private=False).items() if k in ("kty", "crv", "n", "e", "x", "y")}


def split(token: str):
    head, payload, sig = token.split(".")
    return f"{head}.{payload}", unb64url(sig)


def main() -> None:
    keys: dict = {}
    tokens: list = []
    cases: list = []

    def case(name, alg, key, signing_input, signature, valid):
        cases.append({"name": name, "alg": alg, "key": key, "signingInput": signing_input,
                      "signature": signature.hex(), "valid": valid})

    # --- asymmetric keys: PEM + JWK of the public half -------------------------------------------
    jose = {
        "rsa2048": RSAKey.generate_key(2048),
        "rsa3072": RSAKey.generate_key(3072),
        "p256": ECKey.generate_key("P-256"),
        "p384": ECKey.generate_key("P-384"),
        "ed25519": OKPKey.generate_key("Ed25519"),
    }
    family = {"rsa2048": "rsa", "rsa3072": "rsa", "p256": "ecP256", "p384": "ecP384", "ed25519": "ed25519"}
    for name, key in jose.items():
        keys[name] = {"family": family[name], "pem": key.as_pem(private=False).decode(), "jwk": public_jwk(key)}
    rsa_private = jose["rsa2048"].private_key
    keys["rsa2048"]["pkcs1Pem"] = rsa_private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.PKCS1).decode()

    secrets = {"hs256": os.urandom(32), "hs384": os.urandom(48), "hs512": os.urandom(64)}
    for name, secret in secrets.items():
        keys[name] = {"family": "hmac", "secret": b64url(secret)}
        jose[name] = OctKey.import_key(secret)

    # --- tokens signed by joserfc -------------------------------------------------------------------
    plan = [("ES256", "p256"), ("ES384", "p384"), ("EdDSA", "ed25519"),
            ("RS256", "rsa2048"), ("RS384", "rsa2048"), ("RS512", "rsa3072"),
            ("PS256", "rsa2048"), ("PS384", "rsa3072"), ("PS512", "rsa3072"),
            ("HS256", "hs256"), ("HS384", "hs384"), ("HS512", "hs512")]
    now = int(datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc).timestamp())
    first: dict = {}
    for alg, key in plan:
        for i, sub in enumerate(["dev1", "dev-2", "sensor.3"]):
            payload = json.dumps({"sub": sub, "sid": f"s{i}", "role": "device", "iat": now, "exp": now + 3600,
                                  "jti": f"{alg}-{i}"}, separators=(",", ":"))
            token = jws.serialize_compact({"alg": alg, "typ": "JWT", "kid": key}, payload, jose[key],
                                          algorithms=[alg])
            tokens.append({"alg": alg, "key": key, "token": token})
            first.setdefault(alg, token)

    # --- negative cases for every algorithm -------------------------------------------------------------
    for alg, key in plan:
        signing_input, sig = split(first[alg])
        flipped = bytearray(sig)
        flipped[len(flipped) // 2] ^= 0x01
        case(f"{alg}: flipped signature byte", alg, key, signing_input, bytes(flipped), False)
        case(f"{alg}: truncated signature", alg, key, signing_input, sig[:-1], False)
        case(f"{alg}: signature with an extra byte", alg, key, signing_input, sig + b"\x00", False)
        case(f"{alg}: empty signature", alg, key, signing_input, b"", False)
        tampered = signing_input[:-2] + ("A" if signing_input[-2] != "A" else "B") + signing_input[-1]
        case(f"{alg}: tampered payload", alg, key, tampered, sig, False)
        case(f"{alg}: the untouched signature (control)", alg, key, signing_input, sig, True)

    # ECDSA specifics: DER instead of raw, degenerate r/s, the other curve.
    for alg, key, crv in [("ES256", "p256", "P-256"), ("ES384", "p384", "P-384")]:
        signing_input, sig = split(first[alg])
        size, n = FIELD[crv], ORDER[crv]
        r, s = int.from_bytes(sig[:size], "big"), int.from_bytes(sig[size:], "big")
        raw = lambda a, b: a.to_bytes(size, "big") + b.to_bytes(size, "big")
        case(f"{alg}: DER-encoded signature of the same r, s", alg, key, signing_input, encode_dss_signature(r, s), False)
        case(f"{alg}: r = 0", alg, key, signing_input, raw(0, s), False)
        case(f"{alg}: s = 0", alg, key, signing_input, raw(r, 0), False)
        case(f"{alg}: r = s = 0", alg, key, signing_input, raw(0, 0), False)
        case(f"{alg}: r = n", alg, key, signing_input, raw(n, s), False)
        case(f"{alg}: s = n", alg, key, signing_input, raw(r, n), False)
        case(f"{alg}: r = 2^k - 1 (above n)", alg, key, signing_input, raw(2 ** (8 * size) - 1, s), False)
        # ECDSA is malleable: (r, n - s) verifies as well. RFC 7518 does not ask for low-s, nor do we.
        case(f"{alg}: (r, n - s) twin is valid ECDSA", alg, key, signing_input, raw(r, n - s), True)
    es256_input, es256_sig = split(first["ES256"])
    case("ES256 token checked with the P-384 key", "ES256", "p384", es256_input, es256_sig, False)
    es384_input, es384_sig = split(first["ES384"])
    case("ES384 token checked with the P-256 key", "ES384", "p256", es384_input, es384_sig, False)
    case("ES256 token checked as ES384 on the P-256 key", "ES384", "p256", es256_input, es256_sig, False)

    # RSA: PKCS#1 v1.5 and PSS are not interchangeable; PSS salt must be the hash length.
    rs_input, rs_sig = split(first["RS256"])
    ps_input, ps_sig = split(first["PS256"])
    case("RS256 signature checked as PS256", "PS256", "rsa2048", rs_input, rs_sig, False)
    case("PS256 signature checked as RS256", "RS256", "rsa2048", ps_input, ps_sig, False)
    case("RS256 signature checked as RS384", "RS384", "rsa2048", rs_input, rs_sig, False)
    case("RS256 token checked with another RSA key", "RS256", "rsa3072", rs_input, rs_sig, False)
    case("RS256 signature with a leading zero byte", "RS256", "rsa2048", rs_input, b"\x00" + rs_sig, False)
    for label, salt in [("maximum", padding.PSS.MAX_LENGTH), ("zero", 0), ("20-byte", 20)]:
        other = rsa_private.sign(ps_input.encode(), padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=salt),
                                 hashes.SHA256())
        case(f"PS256 with a {label} salt length", "PS256", "rsa2048", ps_input, other, False)
    exact = rsa_private.sign(ps_input.encode(), padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
                             hashes.SHA256())
    case("PS256 signed by cryptography with a 32-byte salt", "PS256", "rsa2048", ps_input, exact, True)
    wrong_mgf = rsa_private.sign(ps_input.encode(), padding.PSS(mgf=padding.MGF1(hashes.SHA1()), salt_length=32),
                                 hashes.SHA256())
    case("PS256 with MGF1-SHA1", "PS256", "rsa2048", ps_input, wrong_mgf, False)

    # RS/HS confusion: the attacker signs HS256 with the RSA public key's PEM bytes as the secret.
    forged_header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    forged_input = forged_header + "." + rs_input.split(".")[1]
    forged_mac = hmac.new(keys["rsa2048"]["pem"].encode(), forged_input.encode(), hashlib.sha256).digest()
    case("HS256 forged with the RSA PEM as secret, checked with the RSA key", "HS256", "rsa2048", forged_input,
         forged_mac, False)
    keys["rsa2048-pem-as-hmac"] = {"family": "hmac", "secret": b64url(keys["rsa2048"]["pem"].encode())}
    case("the same forgery is a good HS256 MAC for that secret (control)", "HS256", "rsa2048-pem-as-hmac",
         forged_input, forged_mac, True)

    # EdDSA and HMAC cross-checks.
    ed_input, ed_sig = split(first["EdDSA"])
    case("EdDSA signature checked as ES256 with the Ed25519 key", "ES256", "ed25519", ed_input, ed_sig, False)
    hs_input, hs_sig = split(first["HS256"])
    case("HS256 MAC truncated to 16 bytes", "HS256", "hs256", hs_input, hs_sig[:16], False)
    case("HS256 MAC checked as HS384", "HS384", "hs512", hs_input, hs_sig, False)
    case("HS256 MAC under another secret", "HS256", "hs384", hs_input, hs_sig, False)

    # --- keys that must be refused ------------------------------------------------------------------------
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    weak_numbers = weak.public_key().public_numbers()
    keys["rsa1024"] = {"family": "rsa", "pem": pem_public(weak.public_key()),
                       "jwk": {"kty": "RSA", "n": b64url(weak_numbers.n.to_bytes(128, "big")),
                               "e": b64url(weak_numbers.e.to_bytes(3, "big"))}}
    keys["hmac20"] = {"family": "hmac", "secret": b64url(os.urandom(20))}
    ec_private = jose["p256"].private_key
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "jws-test")]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "jws-test")]))
            .public_key(ec_private.public_key()).serial_number(1)
            .not_valid_before(datetime.datetime(2024, 1, 1)).not_valid_after(datetime.datetime(2034, 1, 1))
            .sign(ec_private, hashes.SHA256()))
    refused = {
        "pkcs8PrivateKey": pem_private(rsa_private, serialization.PrivateFormat.PKCS8),
        "rsaPrivateKey": pem_private(rsa_private, serialization.PrivateFormat.TraditionalOpenSSL),
        "ecPrivateKey": pem_private(ec_private, serialization.PrivateFormat.TraditionalOpenSSL),
        "certificate": cert.public_bytes(serialization.Encoding.PEM).decode(),
        "secp256k1": pem_public(ec.generate_private_key(ec.SECP256K1()).public_key()),
        "ed448": pem_public(ed448.Ed448PrivateKey.generate().public_key()),
        "rsa1024": keys["rsa1024"]["pem"],
        "publicKeyThenPrivateKey": keys["p256"]["pem"] + pem_private(ec_private, serialization.PrivateFormat.PKCS8),
        "twoPublicKeys": keys["p256"]["pem"] + keys["p384"]["pem"],
    }

    # --- whole tokens for TokenVerifier: key selection, then claims read only after the signature ------
    # A second P-256 key: kid-less candidates, and a token whose kid names a key that did not sign it.
    jose["p256b"] = ECKey.generate_key("P-256")
    keys["p256b"] = {"family": "ecP256", "pem": jose["p256b"].as_pem(private=False).decode(),
                     "jwk": public_jwk(jose["p256b"])}
    claims = {"sub": "dev1", "sid": "s0", "role": "device", "iat": now, "exp": now + 3600, "jti": "v-0"}
    verifier_tokens: list = []

    def signed(name, alg, key, header, payload):
        text = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"))
        token = jws.serialize_compact({"alg": alg, **header}, text, jose[key], algorithms=[alg])
        verifier_tokens.append({"name": name, "signer": key, "token": token})

    signed("ES256 without kid", "ES256", "p256", {"typ": "JWT"}, claims)
    signed("ES256 without kid, signed by p256b", "ES256", "p256b", {}, claims)
    signed("RS256 without kid", "RS256", "rsa2048", {}, claims)
    signed("HS256 without kid", "HS256", "hs256", {}, claims)
    signed("kid p256, signed by p256b", "ES256", "p256b", {"kid": "p256"}, claims)
    signed("payload is an array", "ES256", "p256", {"kid": "p256"}, "[1,2,3]")
    signed("payload is not JSON", "ES256", "p256", {"kid": "p256"}, "not json")
    signed("payload has no exp", "ES256", "p256", {"kid": "p256"}, {"sub": "dev1"})
    signed("payload has a duplicate member", "ES256", "p256", {"kid": "p256"},
           '{"sub":"dev1","exp":%d,"sub":"admin"}' % (now + 3600))
    signed("expired an hour before now", "ES256", "p256", {"kid": "p256"},
           {**claims, "iat": now - 7200, "exp": now - 3600})
    signed("with iss and aud", "ES256", "p256", {"kid": "p256"},
           {**claims, "iss": "https://issuer.example", "aud": ["mqtt", "other"]})
    # RS/HS confusion through the whole verifier: HS256 MACs keyed with the RSA public key's PEM text.
    for name, header in [("HS256 with kid rsa2048, MAC keyed by its PEM", {"alg": "HS256", "kid": "rsa2048"}),
                         ("HS256 without kid, MAC keyed by the rsa2048 PEM", {"alg": "HS256"})]:
        signing_input = (b64url(json.dumps(header, separators=(",", ":")).encode()) + "."
                         + b64url(json.dumps(claims, separators=(",", ":")).encode()))
        mac = hmac.new(keys["rsa2048"]["pem"].encode(), signing_input.encode(), hashlib.sha256).digest()
        verifier_tokens.append({"name": name, "signer": "rsa2048-pem-as-hmac",
                                "token": signing_input + "." + b64url(mac)})

    document = {
        "generator": "scripts/make-jws-test-vectors.py",
        "libraries": {"joserfc": joserfc.__version__, "cryptography": cryptography.__version__},
        "keys": keys,
        "tokens": tokens,
        "cases": cases,
        "refusedPEM": refused,
        "verifierNow": now,
        "verifierTokens": verifier_tokens,
    }
    OUT.write_text(json.dumps(document, indent=1) + "\n")
    print(f"wrote {OUT}: {len(tokens)} tokens, {len(cases)} cases, {len(refused)} refused PEMs, "
          f"{len(verifier_tokens)} verifier tokens")


if __name__ == "__main__":
    main()
