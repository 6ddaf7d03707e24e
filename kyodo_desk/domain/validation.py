"""Field validation with messages for people: each error names the field and says what to do."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from kyodo_desk.i18n import _


@dataclass
class FieldError:
    field: str
    message: str


class ValidationError(ValueError):
    """One or more fields are wrong.  ``errors`` maps field name → Japanese message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("\n".join(self.errors.values()))

    def __str__(self) -> str:
        return "\n".join(self.errors.values())


@dataclass
class Validator:
    """Collects errors so the user sees all of them at once, not one per save."""

    errors: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)

    # ---- rules -------------------------------------------------------------------------
    def required(self, name: str, label: str, value: str | None) -> None:
        if not value or not value.strip():
            self.add(name, _("「{label}」を入力してください。").format(label=label))

    def max_length(self, name: str, label: str, value: str | None, limit: int) -> None:
        if value and len(value) > limit:
            self.add(
                name,
                _("「{label}」は{limit}文字以内で入力してください(いま{count}文字)。").format(
                    label=label, limit=limit, count=len(value)
                ),
            )

    def kana(self, name: str, label: str, value: str | None) -> None:
        if value and not is_kana(value):
            self.add(
                name,
                _("「{label}」はカタカナかひらがなで入力してください(例: カナザワシミンカツドウ)。").format(
                    label=label
                ),
            )

    def phone(self, name: str, label: str, value: str | None) -> None:
        if value and normalize_phone(value) is None:
            self.add(
                name,
                _("「{label}」は電話番号の形で入力してください(例: 076-220-2026)。").format(label=label),
            )

    def postal_code(self, name: str, label: str, value: str | None) -> None:
        if value and normalize_postal_code(value) is None:
            self.add(
                name,
                _("「{label}」は7桁の郵便番号で入力してください(例: 920-8577)。").format(label=label),
            )

    def email(self, name: str, label: str, value: str | None) -> None:
        if value and not is_email(value):
            self.add(
                name,
                _("「{label}」はメールアドレスの形で入力してください(例: info@example.jp)。").format(label=label),
            )


_KANA_RE = re.compile(r"^[\u3041-\u3096\u30A1-\u30FA\u30FC\u30FB\u309B\u309C\u30FD\u30FE\u309D\u309E 　・ー－\-]+$")
_EMAIL_RE = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


def is_kana(value: str) -> bool:
    """Katakana (full or half width) or hiragana, with spaces, ー and ・."""
    return bool(_KANA_RE.match(unicodedata.normalize("NFKC", value).strip()))


# What a Japanese IME produces when someone types "-": ー (long vowel mark), ‐ ‑ ‒ – — ― − (dashes,
# minus), and the full-width forms NFKC already folds (－).
_DASHES = re.compile(r"[\u30FC\u2010-\u2015\u2212\uFF70\uFE63]")


# Mobile, IP and M2M numbers have 11 digits; every other number (fixed lines, 0120) has 10.
_ELEVEN_DIGIT_PREFIXES = {"020", "050", "060", "070", "080", "090"}


def _fold_dashes(text: str) -> str:
    return _DASHES.sub("-", text)


def normalize_phone(value: str) -> str | None:
    """A Japanese phone number with its hyphens as typed (full-width digits folded), or None.

    Accepts 10 digits starting with 0 (fixed lines, 0120) or 11 digits starting with
    020/050/060/070/080/090 (M2M, IP and mobile); a mobile number one digit short is refused.
    Hyphens (also ー and the other dashes an IME produces), spaces and brackets may separate digits.
    """
    text = _fold_dashes(unicodedata.normalize("NFKC", value).strip())
    if not re.fullmatch(r"[0-9\-() ]+", text):
        return None
    digits = re.sub(r"\D", "", text)
    eleven = digits[:3] in _ELEVEN_DIGIT_PREFIXES
    if digits[:1] != "0" or digits[1:2] == "0" or len(digits) != (11 if eleven else 10):
        return None
    text = re.sub(r"[() ]+", "-", text).strip("-")
    return re.sub(r"-{2,}", "-", text)


def normalize_postal_code(value: str) -> str | None:
    """``9208577`` / ``〒920-8577`` / ``９２０－８５７７`` → ``920-8577``; None if not 7 digits."""
    text = unicodedata.normalize("NFKC", value).strip().lstrip("〒").strip()
    text = _fold_dashes(text)
    m = re.fullmatch(r"(\d{3})-?(\d{4})", text)
    return f"{m.group(1)}-{m.group(2)}" if m else None


def is_email(value: str) -> bool:
    return bool(_EMAIL_RE.match(normalize_email(value)))


def normalize_email(value: str | None) -> str:
    """The stored form of an e-mail address: half-width (ｉｎｆｏ＠… → info@…), trimmed."""
    return unicodedata.normalize("NFKC", value).strip() if value else ""
