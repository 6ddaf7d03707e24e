"""この回を中止: call off one visit of a series.  The reason is required (the service refuses an
empty one and writes it to the audit trail); a booked visit's calendar entry becomes cancelled."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from kyodo_desk.i18n import _
from kyodo_desk.services.dispatch import ApplicationRecord, SessionRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.dispatch.common import when_text
from kyodo_desk.ui.dispatch.reason_dialog import AskReasonDialog


class CancelSessionDialog(AskReasonDialog):
    def __init__(self, ctx: AppContext, app: ApplicationRecord, session: SessionRecord, parent: QWidget | None = None):
        self.app, self.session = app, session
        title = _("第{n}回を中止する").format(n=session.number)
        what = _("{ref} {org} 「{topic}」").format(ref=app.reference, org=app.organization_name, topic=app.topic)
        if session.start_at:
            what += "\n" + _("{when} {advisor}").format(
                when=when_text(session.start_at, session.end_at), advisor=session.advisor_name
            )
        actor, dispatch = ctx.require_actor(), ctx.services.dispatch
        super().__init__(
            ctx,
            window_title=_("{step} — {ref}").format(step=title, ref=app.reference),
            title=title,
            what=what,
            warning=_(
                "アドバイザーのカレンダー(.ics)でもこの回が取り消されます。依頼書・通知を送った相手にも連絡してください。"
            )
            if session.advisor_id
            else "",
            field_label=_("中止の理由(必須)"),
            placeholder=_("例: 団体の行事と重なったため"),
            ok_label=_("この回を中止する"),
            cancel_label=_("やめる"),
            max_length=200,
            action=lambda reason: dispatch.cancel_session(actor, session.id, reason, expected_version=session.version),
            on_done=lambda _record: ctx.events.emit_changed("dispatch", [app.id]),
            parent=parent,
        )

    def check(self, reason: str) -> str | None:
        return (
            None if reason.strip() else _("「中止の理由」を入力してください。")
        )  # said at once; the service checks again
