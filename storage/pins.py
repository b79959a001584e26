"""PIN hashing: scrypt with a per-person random salt, compared in constant time.

Only the salt, the parameters and the derived key are stored; the PIN itself
is never written anywhere. PINs are NFKC-normalised first, so full-width
digits typed through a Chinese input method (``１２３４``) equal ``1234``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any

SCHEME = "scrypt"
N = 2**14  # CPU/memory cost: about 16 MiB and a few tens of milliseconds
R = 8
P = 1
KEY_BYTES = 32
SALT_BYTES = 16

# Bounds for parameters read back from a file, so that a tampered file cannot
# make a check take minutes or gigabytes.
_MAX_N = 2**20
_MAX_R = 32
_MAX_P = 16


@dataclass(frozen=True)
class PinHash:
    salt: bytes
    key: bytes
    n: int = N
    r: int = R
    p: int = P
    scheme: str = SCHEME

    def to_document(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme,
            "n": self.n,
            "r": self.r,
            "p": self.p,
            "salt": base64.b64encode(self.salt).decode("ascii"),
            "key": base64.b64encode(self.key).decode("ascii"),
        }

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> PinHash:
        """Raises ValueError when the document is not a PIN hash we can check."""
        if document.get("scheme") != SCHEME:
            raise ValueError(f"unknown PIN hash scheme {document.get('scheme')!r}")
        n, r, p = document.get("n"), document.get("r"), document.get("p")
        if not (
            type(n) is int
            and type(r) is int
            and type(p) is int
            and 2 <= n <= _MAX_N
            and n & (n - 1) == 0
            and 1 <= r <= _MAX_R
            and 1 <= p <= _MAX_P
        ):
            raise ValueError("PIN hash parameters out of range")
        try:
            salt = base64.b64decode(document["salt"], validate=True)
            key = base64.b64decode(document["key"], validate=True)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError("PIN hash salt or key is not base64") from exc
        if not salt or not key:
            raise ValueError("PIN hash salt or key is empty")
        return cls(salt=salt, key=key, n=n, r=r, p=p)


def _derive(pin: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    secret = unicodedata.normalize("NFKC", pin).encode("utf-8")
    maxmem = 128 * r * (n + p + 2) + (1 << 20)
    return hashlib.scrypt(secret, salt=salt, n=n, r=r, p=p, maxmem=maxmem, dklen=length)


def hash_pin(pin: str, *, n: int = N, r: int = R, p: int = P) -> PinHash:
    """A fresh salted hash of ``pin``. Raises ValueError for an empty PIN."""
    if not pin:
        raise ValueError("a PIN must not be empty")
    salt = secrets.token_bytes(SALT_BYTES)
    return PinHash(salt=salt, key=_derive(pin, salt, n, r, p, KEY_BYTES), n=n, r=r, p=p)


def new_setup_code() -> str:
    """A one-time set-up code: twelve random digits (rules.organisation.access)."""
    return "".join(secrets.choice("0123456789") for _ in range(12))


def check_pin(pin: str, stored: PinHash | None) -> bool:
    """Whether ``pin`` matches ``stored``. Takes as long with no stored hash,
    so timing does not tell whether a person has a PIN."""
    if stored is None:
        _derive(pin, b"\0" * SALT_BYTES, N, R, P, KEY_BYTES)
        return False
    candidate = _derive(pin, stored.salt, stored.n, stored.r, stored.p, len(stored.key))
    return hmac.compare_digest(candidate, stored.key) and bool(pin)
