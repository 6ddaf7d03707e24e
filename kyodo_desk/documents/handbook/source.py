"""Where the handbook's text comes from: the shipped ``resources/handbook/`` folder, or an edited
copy the administrator put in the data folder (``AppPaths.handbook_override_dir``).

The edited copy is used as soon as it holds at least one chapter file (``*.md`` other than
README.md).  A missing ``title.toml`` or image in the copy falls back to the shipped one, so an
administrator may copy only the files they change — but copying the whole folder is clearest.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path

from kyodo_desk.config import resource_dir
from kyodo_desk.documents.handbook.plan_text import PlanPeriodText
from kyodo_desk.i18n import _, wareki_year

TITLE_FILE = "title.toml"
README = "readme.md"


@dataclass(frozen=True)
class TitlePage:
    title: str
    subtitle: str = ""
    lead: str = ""
    issuer: str = ""
    date_text: str = ""
    based_on: str = ""
    image: str = ""
    qr: bool = True
    chapter_new_page: bool = False  # every chapter on a fresh page (else only when the page is nearly full)
    plan: PlanPeriodText | None = None  # [plan] in title.toml: used when the plan periods table has no such plan


@dataclass(frozen=True)
class Chapter:
    filename: str
    text: str


@dataclass(frozen=True)
class HandbookSource:
    title: TitlePage
    chapters: tuple[Chapter, ...]
    folder: Path  # where the chapters were read from
    search_dirs: tuple[Path, ...]  # where images (and title.toml) are looked up, first wins
    is_override: bool

    def describe(self) -> str:
        if self.is_override:
            return _("データフォルダの編集版の原稿を使っています({path})。").format(path=self.folder)
        return _("標準の原稿を使っています。")

    def find_file(self, relative: str) -> Path | None:
        """*relative* inside one of the handbook folders (never outside them)."""
        for base in self.search_dirs:
            candidate = (base / relative).resolve()
            try:
                candidate.relative_to(base.resolve())
            except ValueError:
                continue
            if candidate.is_file():
                return candidate
        return None


class HandbookSourceError(ValueError):
    """The handbook source cannot be read; the message names the file and what to fix."""


def shipped_handbook_dir() -> Path:
    return resource_dir() / "handbook"


def chapter_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.md") if p.is_file() and p.name.lower() != README)


def choose_handbook_dir(override_dir: Path | None) -> tuple[Path, bool]:
    """(folder to use, whether it is the administrator's edited copy)."""
    if override_dir is not None and chapter_files(Path(override_dir)):
        return Path(override_dir), True
    return shipped_handbook_dir(), False


def _date_text(value: object) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{wareki_year(value)}{value.month}月"
    return str(value or "")


def parse_title(path: Path) -> TitlePage:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise HandbookSourceError(
            _("表紙の設定ファイル {path} を読めません: {err}").format(path=path, err=exc)
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise HandbookSourceError(
            _("表紙の設定ファイル {path} の書き方に誤りがあります: {err}").format(path=path, err=exc)
        ) from exc
    title = str(raw.get("title") or "").strip()
    if not title:
        raise HandbookSourceError(_("表紙の設定ファイル {path} に title(題名)がありません。").format(path=path))
    return TitlePage(
        title=title,
        subtitle=str(raw.get("subtitle", "")),
        lead=str(raw.get("lead", "")),
        issuer=str(raw.get("issuer", "")),
        date_text=_date_text(raw.get("date", "")),
        based_on=str(raw.get("based_on", "")),
        image=str(raw.get("image", "")),
        qr=bool(raw.get("qr", True)),
        chapter_new_page=bool(raw.get("chapter_new_page", False)),
        plan=_plan(raw.get("plan"), path),
    )


def _plan(raw: object, path: Path) -> PlanPeriodText | None:
    if not isinstance(raw, dict) or not raw.get("name"):
        return None
    try:
        first, last = int(raw["first_fiscal_year"]), int(raw["last_fiscal_year"])
    except (KeyError, TypeError, ValueError) as exc:
        raise HandbookSourceError(
            _(
                "表紙の設定ファイル {path} の [plan] には first_fiscal_year と last_fiscal_year"
                "(計画の最初と最後の年度、2021 のような西暦の数字)を書いてください。"
            ).format(path=path)
        ) from exc
    if last < first:
        raise HandbookSourceError(
            _("表紙の設定ファイル {path} の [plan] で、last_fiscal_year が first_fiscal_year より前です。").format(
                path=path
            )
        )
    return PlanPeriodText(str(raw["name"]), first, last)


def load_handbook(override_dir: Path | None = None) -> HandbookSource:
    """Read the title page and chapters from the folder :func:`choose_handbook_dir` picks."""
    folder, is_override = choose_handbook_dir(override_dir)
    shipped = shipped_handbook_dir()
    search = (folder, shipped) if is_override else (folder,)
    title_path = next((d / TITLE_FILE for d in search if (d / TITLE_FILE).is_file()), None)
    if title_path is None:
        raise HandbookSourceError(
            _("表紙の設定ファイル {name} が見つかりません({path})。").format(name=TITLE_FILE, path=folder)
        )
    chapters = []
    for path in chapter_files(folder):
        try:
            chapters.append(Chapter(path.name, path.read_text(encoding="utf-8-sig")))
        except (OSError, UnicodeDecodeError) as exc:
            raise HandbookSourceError(
                _("原稿 {path} を読めません。UTF-8 で保存してください: {err}").format(path=path, err=exc)
            ) from exc
    if not chapters:
        raise HandbookSourceError(_("ハンドブックの原稿(.md ファイル)が見つかりません({path})。").format(path=folder))
    return HandbookSource(parse_title(title_path), tuple(chapters), folder, search, is_override)
