"""Language switching, Babel formatting and the shape of the translation catalogues."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from kyodo_desk import i18n
from kyodo_desk.i18n import format_date, format_money, format_number, setup_i18n, source_catalog_dir


@pytest.mark.parametrize(
    "asked, used", [("ja", "ja"), ("ja_JP", "ja"), ("en", "en"), ("en-GB", "en"), ("fr", "ja"), (None, "ja")]
)
def test_unsupported_languages_fall_back_to_japanese(asked, used):
    assert setup_i18n(asked) == used
    assert i18n.current_locale() == used


def test_japanese_formats():
    setup_i18n("ja")
    assert format_date(dt.date(2025, 4, 1)) == "2025/04/01"
    assert format_money(1200) == "￥1,200"
    assert format_number(104000) == "104,000"


def test_english_formats():
    setup_i18n("en")
    try:
        assert format_date(dt.date(2025, 4, 1)) == "1 Apr 2025"
        assert format_number(104000) == "104,000"
    finally:
        setup_i18n("ja")


def test_untranslated_text_shows_the_japanese_source():
    setup_i18n("en")
    try:
        assert i18n._("存在しない文言") == "存在しない文言"
    finally:
        setup_i18n("ja")


_PLACEHOLDER = re.compile(r"\{(\w*)\}")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_catalogue_translations_keep_every_placeholder(lang):
    """A translation that drops or renames {label} would crash .format() on the screen."""
    from babel.messages.pofile import read_po

    po = source_catalog_dir() / lang / "LC_MESSAGES" / "kyodo_desk.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    bad = []
    for message in catalog:
        if not message.id or not message.string or isinstance(message.id, tuple):
            continue
        if sorted(_PLACEHOLDER.findall(message.id)) != sorted(_PLACEHOLDER.findall(message.string)):
            bad.append(message.id)
    assert bad == []
