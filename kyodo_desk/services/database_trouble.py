"""What the desk says when the database, not the person, is the trouble: another desk holds it
(busy) or the server cannot be reached (lost connection).  One explanation for every client —
the GUI's message box (:mod:`kyodo_desk.ui.errors`) and the batch commands (:mod:`kyodo_desk.cli`)
— and never the driver's own text (it can quote a row's values)."""

from __future__ import annotations

from dataclasses import dataclass

from kyodo_desk.i18n import _
from kyodo_desk.services import connection_loss
from kyodo_desk.services.base import DatabaseBusy, is_database_busy


@dataclass(frozen=True)
class DatabaseTrouble:
    kind: str  # "busy" or "lost"
    title: str
    text: str


def connection_lost_text() -> str:
    """A lost database connection, for the person at the desk (never the driver's raw text)."""
    return (
        connection_loss.message()
        + "\n\n"
        + _("入力した内容はこの画面に残っています。サーバーにつながったら、もう一度お試しください。")
    )


def busy() -> DatabaseTrouble:
    return DatabaseTrouble("busy", _("データベースが混み合っています"), str(DatabaseBusy()))


def lost(*, command: bool = False) -> DatabaseTrouble:
    """*command*: for a batch command, which has no screen that keeps what was typed."""
    text = (
        connection_loss.message() + "\n\n" + _("サーバーにつながったら、同じコマンドをもう一度実行してください。")
        if command
        else connection_lost_text()
    )
    return DatabaseTrouble("lost", _("サーバーに接続できません"), text)


def explain(exc: BaseException, *, command: bool = False) -> DatabaseTrouble | None:
    """The explanation for *exc* when the database was busy or unreachable, else None (*command*:
    worded for a batch command rather than a screen)."""
    if is_database_busy(exc):
        return busy()
    if connection_loss.is_connection_lost(exc):
        return lost(command=command)
    return None
