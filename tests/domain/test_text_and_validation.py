"""What a person typing into the organization form notices: variants of the same text match each
other, formats are accepted the way people actually type them, and errors name the field."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kyodo_desk.domain.text import fold, normalize_kana
from kyodo_desk.domain.validation import (
    ValidationError,
    Validator,
    is_email,
    is_kana,
    normalize_email,
    normalize_phone,
    normalize_postal_code,
)

# ---------------------------------------------------------------- fold


@pytest.mark.parametrize(
    "variants",
    [
        ("ｶﾅｻﾞﾜ", "カナザワ", "かなざわ"),
        ("ﾎﾞﾗﾝﾃｨｱ", "ボランティア", "ぼらんてぃあ"),
        ("０７６", "076"),
        ("ＡＢ", "ab", "AB", "Ａｂ"),
        ("ＮＰＯ法人　かなざわ", "npo法人 カナザワ", "NPO法人  ｶﾅｻﾞﾜ"),
    ],
)
def test_fold_makes_kana_width_and_case_variants_equal(variants):
    assert len({fold(v) for v in variants}) == 1


def test_fold_keeps_kanji_and_collapses_spaces():
    assert fold("  広坂　町会  ") == "広坂 町会"
    assert fold(None) == "" and fold("") == ""


@given(st.text())
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@given(st.text(alphabet=st.characters(min_codepoint=0x3041, max_codepoint=0x3096)))
def test_fold_hiragana_equals_fold_katakana(text):
    katakana = "".join(chr(ord(c) + 0x60) for c in text)
    assert fold(text) == fold(katakana)


def test_normalize_kana_stores_full_width_katakana():
    assert normalize_kana("ｶﾅｻﾞﾜ　しみん") == "カナザワ シミン"
    assert normalize_kana("  やまだ  はなこ ") == "ヤマダ ハナコ"
    assert normalize_kana(None) == ""


# ---------------------------------------------------------------- kana


@pytest.mark.parametrize(
    "value",
    [
        "カナザワシミンカツドウ",
        "かなざわしみんかつどう",
        "ｶﾅｻﾞﾜ",
        "ヤマダ ハナコ",
        "ヤマダ　ハナコ",
        "ゴー・ゴー",
        "ヴァイオリン",
    ],
)
def test_kana_accepts_hiragana_katakana_long_vowel_dot_and_spaces(value):
    assert is_kana(value)


@pytest.mark.parametrize("value", ["Kanazawa", "カナザワA", "金沢", "カナ1", "npo"])
def test_kana_rejects_latin_kanji_and_digits(value):
    assert not is_kana(value)


# ---------------------------------------------------------------- phone / postal / email


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("076-220-2026", "076-220-2026"),
        ("090-1234-5678", "090-1234-5678"),
        ("０７６２２０２０２６", "0762202026"),
        ("０７６－２２０－２０２６", "076-220-2026"),
        ("076ー220ー2026", "076-220-2026"),  # IME long-vowel mark typed as a hyphen
        ("076‐220‐2026", "076-220-2026"),
        ("(076) 220-2026", "076-220-2026"),
        ("0120-123-456", "0120-123-456"),
        (" 080 1234 5678 ", "080-1234-5678"),
    ],
)
def test_phone_numbers_as_people_type_them(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize("value", ["12-34", "076-220-202", "1762202026", "090-1234-567", "076-220-2026 内線3", "abc"])
def test_phone_numbers_that_cannot_be_dialled_are_rejected(value):
    assert normalize_phone(value) is None


_phone_chars = st.sampled_from(list("0123456789０１２３４５６７８９-－ー() "))


@given(st.text(alphabet=_phone_chars, max_size=20))
def test_normalized_phone_validates_again_unchanged(text):
    out = normalize_phone(text)
    if out is not None:
        assert normalize_phone(out) == out
        assert len([c for c in out if c.isdigit()]) in (10, 11)


@pytest.mark.parametrize("typed", ["920-8577", "9208577", "〒9208577", "〒 920-8577", "９２０－８５７７", "920ー8577"])
def test_postal_codes(typed):
    assert normalize_postal_code(typed) == "920-8577"


@pytest.mark.parametrize("value", ["920-857", "92-08577", "920-85777", "abc-defg"])
def test_bad_postal_codes(value):
    assert normalize_postal_code(value) is None


def test_email():
    assert is_email("kyoudou@city.kanazawa.lg.jp")
    assert is_email("ｉｎｆｏ＠ｅｘａｍｐｌｅ．ｊｐ")
    assert normalize_email(" ｉｎｆｏ＠ｅｘａｍｐｌｅ．ｊｐ ") == "info@example.jp"
    for bad in ("kyoudou", "a@b", "a@@example.jp", "a b@example.jp", "@example.jp"):
        assert not is_email(bad), bad


# ---------------------------------------------------------------- messages


def test_validator_collects_every_error_and_names_the_field_in_japanese():
    v = Validator()
    v.required("name", "団体名", "  ")
    v.kana("name_kana", "団体名(カナ)", "Kanazawa")
    v.phone("phone", "電話番号", "12-34")
    v.postal_code("postal_code", "郵便番号", "123")
    v.email("email", "メールアドレス", "kyoudou")
    v.max_length("address", "住所", "あ" * 5, 3)
    with pytest.raises(ValidationError) as err:
        v.raise_if_any()
    errors = err.value.errors
    assert set(errors) == {"name", "name_kana", "phone", "postal_code", "email", "address"}
    assert "「団体名」を入力してください" in errors["name"]
    assert "「団体名(カナ)」" in errors["name_kana"] and "カタカナかひらがな" in errors["name_kana"]
    assert "「電話番号」" in errors["phone"] and "076-220-2026" in errors["phone"]
    assert "「郵便番号」" in errors["postal_code"] and "7桁" in errors["postal_code"]
    assert "「メールアドレス」" in errors["email"]
    assert "3文字以内" in errors["address"] and "いま5文字" in errors["address"]
    # the exception text shows every message, one per line
    assert str(err.value).count("\n") == 5


def test_empty_optional_fields_are_not_errors():
    v = Validator()
    v.kana("k", "カナ", "")
    v.phone("p", "電話", "")
    v.postal_code("z", "郵便", None)
    v.email("e", "メール", "")
    v.raise_if_any()
