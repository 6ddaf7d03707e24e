"""The areas of the side navigation, in order.  Later features swap a placeholder for their page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from kyodo_desk.i18n import N_, _
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.widgets.page import PlaceholderPage

if TYPE_CHECKING:  # pragma: no cover
    from kyodo_desk.ui.main_window import MainWindow

PageFactory = Callable[[AppContext, "MainWindow"], QWidget]


@dataclass(frozen=True)
class PageSpec:
    """One area of the navigation.  The page is built the first time it is shown (or asked for);
    ``opens`` names the record kinds its ``register_openers`` handles, so the search box can open
    such a record before the page exists (building it then)."""

    key: str
    title: str  # msgid, translated when the navigation is built
    build: PageFactory
    opens: tuple[str, ...] = ()


def _placeholder(title: str, coming: str) -> PageFactory:
    return lambda _ctx, _win: PlaceholderPage(_(title), _(coming))


def _home(ctx: AppContext, win: "MainWindow") -> QWidget:
    from kyodo_desk.ui.dashboard.home_page import HomePage

    return HomePage(ctx, navigate=win.show_page, open_record=win.openers.open)


def _consultations(ctx: AppContext, win: "MainWindow") -> QWidget:
    from kyodo_desk.ui.consultations.page import ConsultationsPage

    return ConsultationsPage(ctx)


def _groups(ctx: AppContext, win: "MainWindow") -> QWidget:
    from kyodo_desk.ui.groups.page import OrganizationsPage

    return OrganizationsPage(ctx)


def _projects(ctx: AppContext, win: "MainWindow") -> QWidget:
    from kyodo_desk.ui.projects.page import ProjectsPage

    return ProjectsPage(ctx)


def _dispatch(ctx: AppContext, win: "MainWindow") -> QWidget:
    from kyodo_desk.ui.dispatch.page import DispatchPage

    return DispatchPage(ctx)


def _printing(ctx: AppContext, win: "MainWindow") -> QWidget:
    from kyodo_desk.ui.printing.page import PrintCentrePage

    return PrintCentrePage(ctx)


def _lending(ctx: AppContext, win: "MainWindow") -> QWidget:
    from kyodo_desk.ui.lending.page import LendingPage

    return LendingPage(ctx)


def _settings(ctx: AppContext, win: "MainWindow") -> QWidget:
    from kyodo_desk.ui.settings.page import SettingsPage

    return SettingsPage(ctx)


def default_pages() -> list[PageSpec]:
    return [
        PageSpec("home", N_("ホーム"), _home),
        PageSpec("consultations", N_("相談受付"), _consultations, opens=("consultation",)),
        PageSpec("lending", N_("機器貸出"), _lending, opens=("device", "loan")),
        PageSpec("dispatch", N_("アドバイザー派遣"), _dispatch, opens=("dispatch", "advisor")),
        PageSpec("groups", N_("団体"), _groups, opens=("organization", "person")),
        PageSpec("projects", N_("協働事業"), _projects, opens=("project",)),
        PageSpec("printing", N_("印刷"), _printing),
        PageSpec("settings", N_("設定"), _settings),
    ]
