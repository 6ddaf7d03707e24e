"""Text normalisation shared by search and validation.

Japanese text arrives in many shapes: half-width katakana from old systems (ｶﾅ), full-width
digits and letters (０３, ＡＢＣ), hiragana where the registry has katakana.  :func:`fold`
maps all of them to one form so that each matches the others.
"""

from __future__ import annotations

import unicodedata

_HIRA_START, _HIRA_END = 0x3041, 0x3096  # ぁ..ゖ
_KATA_OFFSET = 0x60


def hiragana_to_katakana(text: str) -> str:
    return "".join(chr(ord(ch) + _KATA_OFFSET) if _HIRA_START <= ord(ch) <= _HIRA_END else ch for ch in text)


def katakana_to_hiragana(text: str) -> str:
    return "".join(
        chr(ord(ch) - _KATA_OFFSET) if _HIRA_START + _KATA_OFFSET <= ord(ch) <= _HIRA_END + _KATA_OFFSET else ch
        for ch in text
    )


def fold(text: str | None) -> str:
    """Search form of *text*: NFKC (ｶﾅ→カナ, ０→0, ＡＢ→AB), hiragana→katakana, lower case,
    runs of white space collapsed to one space."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = hiragana_to_katakana(text).lower()
    return " ".join(text.split())


def normalize_kana(text: str | None) -> str:
    """The stored form of a フリガナ field: full-width katakana (ｶﾅ and かな → カナ), single spaces.

    Sorting by reading only works when every row is written in the same script: hiragana sorts
    before all katakana and half-width ｶﾅ after it.
    """
    if not text:
        return ""
    text = hiragana_to_katakana(unicodedata.normalize("NFKC", text))
    return " ".join(text.split())


def clean(text: str | None) -> str:
    """Trim a user-typed value and turn the empty string into ``""`` (never None)."""
    return unicodedata.normalize("NFKC", text).strip() if text else ""


def clean_keep_width(text: str | None) -> str:
    """Trim without changing character widths (for names the user typed)."""
    return text.strip() if text else ""
