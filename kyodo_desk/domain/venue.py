"""Where a dispatch visit takes place, and what the center's closed days mean for it.

The center's closed days (holidays, 年末年始, weekly and its own dates) close the center's rooms,
not a 町会 hall: they apply only to visits *at the center*.  The marker is the venue text itself:
a venue naming the center (the application form's 「センター」 button writes the center's name
from the settings) is at the center.  An empty venue (未定) counts as the center too, so a visit
whose place is not known yet is never booked on a closed day by mistake.
"""

from __future__ import annotations

import unicodedata

from kyodo_desk.domain.calendar import ClosedDay
from kyodo_desk.domain.enums import ClosedDayKind
from kyodo_desk.i18n import _


def _plain(text: str) -> str:
    """NFKC (full-width → half-width), no spaces of either width: 「金沢市 市民活動…」 matches too."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def venue_at_center(venue: str, center_name: str) -> bool:
    plain = _plain(venue)
    return not plain or (bool(_plain(center_name)) and _plain(center_name) in plain)


def off_site_note(closed: ClosedDay) -> str:
    """The note shown for a visit elsewhere on one of the center's closed days (allowed)."""
    if closed.kind is ClosedDayKind.PUBLIC_HOLIDAY:
        return _("祝日({name})です。会場はセンター外のため予約できます。").format(name=closed.reason)
    if closed.kind is ClosedDayKind.WEEKLY:
        return _("センターの定休日です。会場はセンター外のため予約できます。")
    if closed.kind is ClosedDayKind.YEAR_END:
        return _("年末年始の休館日です。会場はセンター外のため予約できます。")
    return _("センターの休館日({reason})です。会場はセンター外のため予約できます。").format(
        reason=closed.reason or closed.kind.label()
    )


def at_center_refusal(closed: ClosedDay, venue: str) -> str:
    """Why a visit at the center (or with no venue yet) cannot be on *closed*'s day."""
    text = _("{day} は休館日です({reason})。").format(
        day=closed.day.strftime("%m/%d"), reason=closed.reason or closed.kind.label()
    )
    if not venue.strip():
        text += _("会場がセンター外なら、申請の「会場」を入力すると予約できます。")
    return text
