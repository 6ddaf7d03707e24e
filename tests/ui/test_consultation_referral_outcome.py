"""Recording what came of a referral (issue 15) in the real main window, keys to the focused widget:
from the home page's follow-up card (Ctrl+R → 結果 ↓↓ → Tab → メモ → Enter) and in the consultation
editor (Tab to 紹介の結果, Ctrl+S); another desk's newer save is refused with the input kept."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from kyodo_desk.services.consultations import ConsultationInput
from kyodo_desk.ui.consultations.dialog import ConsultationDialog
from kyodo_desk.ui.consultations.referral_outcome_dialog import ReferralOutcomeDialog
from tests.ui.replay import desk, focused, press, tab_until, type_text, wait_dialog  # noqa: F401 - fixtures

CTRL = Qt.KeyboardModifier.ControlModifier
TODAY = dt.date.today()


def _referral(services, actor, **kw):
    from kyodo_desk.domain.fiscal import fiscal_year_of

    cat = services.consultation_categories.for_year(fiscal_year_of(TODAY))[0].id
    kw.setdefault("summary", "福祉の助成金を探している")
    return services.consultations.create(
        actor,
        ConsultationInput(
            received_at=dt.datetime.combine(TODAY - dt.timedelta(days=6), dt.time(10)),
            category_ids=(cat,),
            referral_to="social_welfare",
            referral_reason="福祉分野の助成のため",
            followup_action="refer",
            followup_due=TODAY - dt.timedelta(days=1),
            **kw,
        ),
    )


def _card_with(qtbot, win, services, record):
    card = win.pages["home"].followups_card
    card.refresh()
    qtbot.waitUntil(lambda: [r.id for r in card.records] == [record.id], timeout=5000)
    return card


def test_outcome_recorded_from_the_follow_up_card_by_keyboard(qtbot, desk, services):
    win = desk(demo_data=False)
    actor = win.ctx.actor
    rec = _referral(services, actor)
    card = _card_with(qtbot, win, services, rec)
    assert "紹介の結果 未確認 ・ 社会福祉協議会" in card.lines()[0]
    assert card.outcome_button.isVisible()
    tab_until(qtbot, lambda w: w is card.list)
    press(qtbot, Qt.Key.Key_Down)  # the first line
    assert card.current_record().id == rec.id and card.outcome_button.isEnabled()

    press(qtbot, Qt.Key.Key_R, CTRL)
    dialog = wait_dialog(qtbot, ReferralOutcomeDialog)
    qtbot.waitUntil(lambda: focused() is dialog.outcome, timeout=5000)
    press(qtbot, Qt.Key.Key_Down)  # 未確認 → 連絡済み
    press(qtbot, Qt.Key.Key_Down)  # → つながった
    assert dialog.outcome.currentText() == "つながった"
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.note
    type_text(qtbot, "社協の担当者と面談できた")
    assert dialog.followup_done.isChecked()  # the follow-up is done with it, by default
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        press(qtbot, Qt.Key.Key_Return, human=True)  # a person's Enter saves
    stored = services.consultations.get(actor, rec.id)
    assert stored.referral_outcome == "connected" and stored.referral_outcome_note == "社協の担当者と面談できた"
    assert stored.followup_done
    qtbot.waitUntil(lambda: card.records == [], timeout=5000)  # done: off today's list
    assert not dialog.isVisible()


def test_a_stale_outcome_is_refused_and_the_input_kept(qtbot, desk, services):
    win = desk(demo_data=False)
    actor = win.ctx.actor
    rec = _referral(services, actor)
    card = _card_with(qtbot, win, services, rec)
    tab_until(qtbot, lambda w: w is card.list)
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_R, CTRL)
    dialog = wait_dialog(qtbot, ReferralOutcomeDialog)
    qtbot.waitUntil(lambda: focused() is dialog.outcome, timeout=5000)
    press(qtbot, Qt.Key.Key_Up)  # 未確認 stays (first); ↓ to 連絡済み
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "電話で連絡した")
    # meanwhile another desk records a result
    services.consultations.record_referral_outcome(actor, rec.id, rec.version, "failed", "")
    with qtbot.waitSignal(dialog.failed, timeout=5000):
        press(qtbot, Qt.Key.Key_S, CTRL)
    assert dialog.isVisible() and dialog.banner.isVisible() and "相談記録" in dialog.banner.text()
    assert dialog.note.text() == "電話で連絡した" and dialog.outcome.currentText() == "連絡済み"
    assert services.consultations.get(actor, rec.id).referral_outcome == "failed"
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)


def test_outcome_recorded_in_the_consultation_editor(qtbot, desk, services):
    win = desk(demo_data=False)
    actor = win.ctx.actor
    rec = _referral(services, actor, summary="NPO法人の会計の相談")
    page = win.pages["consultations"]
    win.focus_search()
    with qtbot.waitSignal(page.dialog_opened, timeout=5000) as opened:
        type_text(qtbot, rec.reference, human=True)  # the 受付番号 typed by hand + Enter
        press(qtbot, Qt.Key.Key_Return, human=True)
    dialog = opened.args[0]
    assert isinstance(dialog, ConsultationDialog)
    editor = dialog.editor
    qtbot.waitUntil(lambda: editor.record is not None, timeout=5000)
    form = editor.form
    assert form.referral_outcome.isEnabled() and form.referral_outcome.currentText() == "未確認"
    tab_until(qtbot, lambda w: w is form.referral_outcome)
    press(qtbot, Qt.Key.Key_End)  # the last choice: 不調
    assert form.referral_outcome.currentText() == "不調"
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is form.referral_outcome_note
    type_text(qtbot, "窓口では対応できないと言われた")
    with qtbot.waitSignal(editor.saved, timeout=10000):
        press(qtbot, Qt.Key.Key_S, CTRL)
    stored = services.consultations.get(actor, rec.id)
    assert (stored.referral_outcome, stored.referral_outcome_note) == ("failed", "窓口では対応できないと言われた")
    assert not stored.followup_done  # the editor leaves the follow-up as it was

    # without a referral the outcome fields are off (Tab skips them) and nothing is sent
    tab_until(qtbot, lambda w: w is form.referral_to, backwards=True)
    press(qtbot, Qt.Key.Key_Home)  # (なし)
    assert not form.referral_outcome.isEnabled() and not form.referral_outcome_note.isEnabled()
    assert form.collect().referral_outcome is None and form.collect().referral_outcome_note == ""
