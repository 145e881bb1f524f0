"""Schemathesis hooks for the fuzz run: which session each operation is called with.

The Node side (stack/fuzz/run.ts) writes the plan (FUZZ_PLAN, a 0600 JSON file): the edge's
address, the role each operation is called as (the lowest of USER, ADMIN and SUPER_ADMIN that
holds its permission; none for public operations), the keys of the ADMIN and SUPER_ADMIN users,
and the operations that end the session they are called with. Sessions are made here, by a real
Sign-In with TRON (TIP-191 signed in Python, as the load test does), whenever one is needed:

- each role's session is made once and made again when the API answers 401 (something in the run
  ended it: a lock of the fuzzer's USER, a lockdown), so one operation cannot blind the rest;
- a session-ending operation (logout, ending a session by id) gets a session of its own for
  every call, from a new USER, so it never ends the sessions the other operations use;
- every session is DPoP-bound (RFC 9449), as the client library's are: a P-256 key per session,
  a proof on every call (without a nonce: the edge then checks its jti in Redis), so the routes
  that take bound sessions only (wallet signing) are fuzzed past their guard too.
"""

import atexit
import base64
import itertools
import json
import os
import secrets
import sys
import time
from datetime import datetime, timedelta, timezone
from hashlib import sha256

import requests
import schemathesis
from Crypto.Hash import SHA256
from Crypto.PublicKey import ECC
from Crypto.Signature import DSS

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "loadtest"))
from tip191 import address_of, sign_message  # noqa: E402

with open(os.environ["FUZZ_PLAN"], encoding="utf-8") as f:
    PLAN = json.load(f)

_disposable = itertools.count()
_client = itertools.count(1)


def _operation(case):
    return f"{case.method.upper()} {case.path}"


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _compact(obj):
    return _b64(json.dumps(obj, separators=(",", ":")).encode())


def _new_key():
    key = ECC.generate(curve="P-256")
    point = key.pointQ
    jwk = {
        "kty": "EC",
        "crv": "P-256",
        "x": _b64(int(point.x).to_bytes(32, "big")),
        "y": _b64(int(point.y).to_bytes(32, "big")),
    }
    return key, jwk


def _proof(key, jwk, method, url, token=None):
    """A DPoP proof JWT (ES256: the JWS signature is r || s, which DSS's binary encoding is)."""
    claims = {"jti": secrets.token_urlsafe(16), "htm": method.upper(), "htu": url, "iat": int(time.time())}
    if token is not None:
        claims["ath"] = _b64(sha256(token.encode()).digest())
    signing_input = f"{_compact({'typ': 'dpop+jwt', 'alg': 'ES256', 'jwk': jwk})}.{_compact(claims)}"
    signature = DSS.new(key, "fips-186-3").sign(SHA256.new(signing_input.encode()))
    return f"{signing_input}.{_b64(signature)}"


def _sign_in(private_key):
    """A fresh session through the public API, from a client address of its own, so the fuzzer's
    failed sign-ins (which block the client that makes them) never block the sessions it needs;
    bound to a new key."""
    n = next(_client)
    headers = {"cf-connecting-ip": f"198.19.{(n >> 8) & 255}.{n & 255}", "user-agent": "fuzz-session"}
    address = address_of(private_key)
    challenge = requests.post(
        f"{PLAN['base']}/v1/auth/challenge", json={"address": address}, headers=headers, timeout=10
    )
    challenge.raise_for_status()
    message = challenge.json()["message"]
    key, jwk = _new_key()
    login_url = f"{PLAN['base']}/v1/auth/login"
    login = requests.post(
        login_url,
        json={"message": message, "signature": sign_message(message, private_key)},
        headers={**headers, "DPoP": _proof(key, jwk, "POST", login_url)},
        timeout=10,
    )
    login.raise_for_status()
    return {"token": login.json()["accessToken"], "key": key, "jwk": jwk}


def _session_key(case, _ctx):
    operation = _operation(case)
    if operation in PLAN["sessionEnding"]:
        return f"disposable-{next(_disposable)}"
    return PLAN["roles"].get(operation) or "public"


# Access tokens live 15 minutes; a session is made again well before.
@schemathesis.auth(refresh_interval=600, cache_by_key=_session_key, retry_on=[401])
class RoleSessions:
    def get(self, case, _ctx):
        operation = _operation(case)
        role = PLAN["roles"].get(operation)
        if role is None:
            return None
        # A new USER each time: the run may have locked the previous one (ADMIN may lock USERs).
        key = PLAN["keys"].get(role) if operation not in PLAN["sessionEnding"] else None
        return _sign_in(key or secrets.token_hex(32))

    def set(self, case, data, _ctx):
        if data is None:
            return
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"DPoP {data['token']}"
        url = f"{PLAN['base']}{case.formatted_path}"
        case.headers["DPoP"] = _proof(data["key"], data["jwk"], case.method, url, data["token"])


# Rules the document states in words because JSON Schema cannot (README "Reliability / contract"):
# a positive case is made to satisfy them, so that a refusal of it is a finding again. Negative
# cases are left alone: the API must refuse them.
def _valid_address(body):
    body["address"] = address_of(secrets.token_hex(32))  # base58check: a checksum no pattern states
    body.pop("chainId", None)  # must name this deployment's chain, which the document cannot know


def _future_until(body):
    if "until" in body:  # a lock's end must be in the future
        body["until"] = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()


def _matching_txid(body):
    transaction = body.get("transaction")
    if isinstance(transaction, dict) and "txID" in transaction:  # the SHA-256 of raw_data_hex
        transaction["txID"] = sha256(bytes.fromhex(transaction["raw_data_hex"])).hexdigest()


def _no_cursor(query):
    query.pop("cursor", None)  # opaque: only a nextCursor the API returned is valid


BODY_RULES = {
    "POST /v1/auth/challenge": _valid_address,
    "POST /v1/admin/users/{id}/lock": _future_until,
    "POST /v1/wallet/sign-transaction": _matching_txid,
}
def _audit_query(query):
    _no_cursor(query)
    if "address" in query:  # base58check: a checksum no pattern states
        query["address"] = address_of(secrets.token_hex(32))


QUERY_RULES = {"GET /v1/admin/users": _no_cursor, "GET /v1/admin/audit": _audit_query}


@schemathesis.hook
def map_case(_context, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return case
    operation = _operation(case)
    if operation in BODY_RULES and isinstance(case.body, dict):
        BODY_RULES[operation](case.body)
    if operation in QUERY_RULES and isinstance(case.query, dict):
        QUERY_RULES[operation](case.query)
    return case


# The statuses each operation answered, for run.ts's table and the test's proof that the sessions
# reached the handlers (an ADMIN route answering 200, not only 401 and 403).
_tally = {}


@schemathesis.hook
def after_call(_context, case, response):
    # Probes with a method the path does not declare are counted together.
    declared = case.method.upper() == case.operation.method.upper()
    statuses = _tally.setdefault(_operation(case) if declared else "undeclared methods", {})
    statuses[str(response.status_code)] = statuses.get(str(response.status_code), 0) + 1


@atexit.register
def _write_tally():
    with open(os.environ["FUZZ_TALLY"], "w", encoding="utf-8") as f:
        json.dump(_tally, f)
