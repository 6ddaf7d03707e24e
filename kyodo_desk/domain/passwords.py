"""Passwords and PINs of desk accounts: a slow salted KDF, rules for what may be chosen.

Hashes are stored as a self-describing string ``scrypt$n=32768,r=8,p=1$<salt>$<key>`` (salt and
key in unpadded base64), so the cost can be raised later: :func:`needs_rehash` says when a stored
hash is cheaper than today's parameters, and the next good sign-in stores a new one.

Why scrypt: it is in the standard library (no native wheel to ship), memory-hard, and its cost is
a parameter.  n=2**15, r=8 takes about 70–100 ms on the desk laptops we measured (and uses 32 MiB),
slow enough that a stolen database file cannot be tried at millions of guesses a second, quick
enough that nobody waits at the desk.

Why at least 8 characters: the account is protected on-line by the lock-out (5 tries, then 5
minutes), so the length only has to resist an attacker who copied the database file; 8 characters
is the floor of the government's own guidance (NISC 統一基準) and is still short enough to type at
every 交代.  A PIN (≥ 6 digits) is only for quick 交代 at a shared desk and shares the lock-out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from kyodo_desk.i18n import _

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256  # a bound on the KDF's input, not a real limit for people
MIN_PIN_LENGTH = 6
MAX_PIN_LENGTH = 12


@dataclass(frozen=True)
class KdfParams:
    n: int = 2**15
    r: int = 8
    p: int = 1

    def text(self) -> str:
        return f"n={self.n},r={self.r},p={self.p}"


DEFAULT_PARAMS = KdfParams()
_SALT_BYTES = 16
_KEY_BYTES = 32


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def _derive(secret: str, salt: bytes, params: KdfParams) -> bytes:
    return hashlib.scrypt(
        secret.encode("utf-8"),
        salt=salt,
        n=params.n,
        r=params.r,
        p=params.p,
        maxmem=256 * params.r * params.n * params.p + 16 * 1024 * 1024,
        dklen=_KEY_BYTES,
    )


def hash_secret(secret: str, params: KdfParams | None = None) -> str:
    """The stored form of a password or PIN (a new random salt each time)."""
    params = params or DEFAULT_PARAMS
    salt = secrets.token_bytes(_SALT_BYTES)
    return f"scrypt${params.text()}${_b64(salt)}${_b64(_derive(secret, salt, params))}"


def _parse(stored: str) -> tuple[KdfParams, bytes, bytes] | None:
    try:
        scheme, param_text, salt, key = stored.split("$")
        if scheme != "scrypt":
            return None
        values = dict(item.split("=", 1) for item in param_text.split(","))
        params = KdfParams(int(values["n"]), int(values["r"]), int(values["p"]))
        return params, _unb64(salt), _unb64(key)
    except (ValueError, KeyError):
        return None


def verify_secret(secret: str, stored: str | None) -> bool:
    """Does *secret* match the stored hash?  Constant-time compare; a malformed hash never matches."""
    if not stored:
        return False
    parsed = _parse(stored)
    if parsed is None or len(secret) > MAX_PASSWORD_LENGTH:
        return False
    params, salt, key = parsed
    return hmac.compare_digest(_derive(secret, salt, params), key)


def needs_rehash(stored: str, params: KdfParams | None = None) -> bool:
    """True when the stored hash was made with cheaper parameters than today's."""
    parsed = _parse(stored)
    params = params or DEFAULT_PARAMS
    return parsed is None or (parsed[0].n, parsed[0].r, parsed[0].p) < (params.n, params.r, params.p)


def password_problem(password: str, confirmation: str | None = None) -> str | None:
    """What is wrong with a new password, in words for the person choosing it (None: fine)."""
    if not password:
        return _("パスワードを入力してください。")
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("パスワードは{n}文字以上にしてください(いまは{m}文字です)。").format(
            n=MIN_PASSWORD_LENGTH, m=len(password)
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("パスワードは{n}文字以内にしてください。").format(n=MAX_PASSWORD_LENGTH)
    if password.strip() != password:
        return _("パスワードの最初と最後に空白は使えません。")
    if confirmation is not None and confirmation != password:
        return _("確認のために入力したパスワードが一致しません。もう一度入力してください。")
    return None


def pin_problem(pin: str, confirmation: str | None = None) -> str | None:
    """What is wrong with a new PIN (None: fine)."""
    if not (pin.isascii() and pin.isdigit()) or not MIN_PIN_LENGTH <= len(pin) <= MAX_PIN_LENGTH:
        return _("PINは半角数字{n}〜{m}桁にしてください。").format(n=MIN_PIN_LENGTH, m=MAX_PIN_LENGTH)
    if len(set(pin)) == 1 or pin in "01234567890" or pin in "09876543210":
        return _("同じ数字の繰り返しや連番(123456 など)はPINに使えません。")
    if confirmation is not None and confirmation != pin:
        return _("確認のために入力したPINが一致しません。もう一度入力してください。")
    return None


# No 0/O, 1/l/I: read aloud or copied from a slip without mistakes.
_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def temporary_password(length: int = 10) -> str:
    """A random temporary password an administrator hands over; it must be changed at first use."""
    return "".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(length))
