"""TIP-191 message signing and TRON addresses, as a TRON wallet app does them.

Locust signs every sign-in itself: a challenge's nonce is single-use and issued at request time,
so signatures cannot be prepared ahead by the Node side.
"""

from hashlib import sha256

from coincurve import PrivateKey
from Crypto.Hash import keccak

_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _keccak256(data: bytes) -> bytes:
    return keccak.new(digest_bits=256, data=data).digest()


def _base58check(payload: bytes) -> str:
    data = payload + sha256(sha256(payload).digest()).digest()[:4]
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, rem = divmod(n, 58)
        out = _BASE58[rem] + out
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + out


def address_of(private_key_hex: str) -> str:
    """Base58Check of 0x41 and the last 20 bytes of keccak256 of the uncompressed public key."""
    public = PrivateKey(bytes.fromhex(private_key_hex)).public_key.format(compressed=False)[1:]
    return _base58check(b"\x41" + _keccak256(public)[-20:])


def sign_message(message: str, private_key_hex: str) -> str:
    """0x + r || s || v (27/28) over keccak256("\\x19TRON Signed Message:\\n" + byte length + message)."""
    body = message.encode("utf-8")
    digest = _keccak256(b"\x19TRON Signed Message:\n" + str(len(body)).encode() + body)
    # libsecp256k1 always produces low-s signatures, which the bridge requires.
    signature = PrivateKey(bytes.fromhex(private_key_hex)).sign_recoverable(digest, hasher=None)
    return "0x" + signature[:64].hex() + format(27 + signature[64], "02x")
