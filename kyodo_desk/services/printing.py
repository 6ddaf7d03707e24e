"""What the desk can print for visitors, and the data each document needs.

The print page and ``kyodo-desk handbook|form`` both come here: the service reads the center's
settings, picks the handbook source (the shipped one or the administrator's edited copy in the
data folder), checks ``Permission.PRINT`` and records each print or saved PDF in the audit log
(``AuditAction.PRINT``; document and copies only — no personal data is involved).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from kyodo_desk.db.engine import Database
from kyodo_desk.documents.base import CenterInfo, Progress
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import N_, _
from kyodo_desk.services.base import Actor, ServiceError, audit, require

HANDBOOK = "handbook"
PERSONAL_FILE_REGISTER = "personal_file_register"  # 個人情報ファイル簿 (documents/forms/personal_file_register.py)
FORM_PREFIX = "form:"


class Paper(StrEnum):
    A4 = "a4"
    A5_BOOKLET = "a5_booklet"

    def label(self) -> str:
        return {Paper.A4: _("A4"), Paper.A5_BOOKLET: _("A5冊子(A4横に2ページずつ・両面「短辺とじ」)")}[self]

    def short_label(self) -> str:
        return {Paper.A4: _("A4"), Paper.A5_BOOKLET: _("A5冊子")}[self]


@dataclass(frozen=True)
class PrintableDocument:
    key: str  # "handbook", "form:lending", ...
    title: str
    description: str
    papers: tuple[Paper, ...] = (Paper.A4,)


@dataclass(frozen=True)
class HandbookSourceInfo:
    folder: Path
    is_override: bool
    note: str  # 「標準の原稿を使っています。」 / 「データフォルダの編集版…」
    override_folder: Path | None


@dataclass(frozen=True)
class BuiltDocument:
    key: str
    title: str
    paper: Paper
    data: bytes
    pages: int  # page faces in *data*
    landscape: bool = False
    duplex_short_edge: bool = False  # booklets: print double-sided, flip on the short edge
    warnings: tuple[str, ...] = ()
    note: str = ""

    @property
    def suggested_filename(self) -> str:
        suffix = "_A5冊子" if self.paper is Paper.A5_BOOKLET else ""
        return f"{self.title}{suffix}.pdf".replace("/", "_").replace(" ", "_")


_HANDBOOK_DESCRIPTION = N_(
    "パートナーシップ(協働)の考え方、センターの支援、団体登録、事業の始め方をまとめた市民向けの冊子。"
    "A4で印刷するか、A5冊子(両面印刷して二つ折り)にできます。"
)


class PrintingService:
    def __init__(self, db: Database, settings, handbook_override_dir: Path | None = None):
        self.db = db
        self.settings = settings
        self.handbook_override_dir = Path(handbook_override_dir) if handbook_override_dir else None

    # ------------------------------------------------------------------ what can be printed

    def documents(self) -> list[PrintableDocument]:
        from kyodo_desk.documents.forms import FORMS

        docs = [
            PrintableDocument(
                HANDBOOK,
                _("金沢版パートナーシップをすすめるハンドブック"),
                _(_HANDBOOK_DESCRIPTION),
                (Paper.A4, Paper.A5_BOOKLET),
            )
        ]
        docs += [PrintableDocument(FORM_PREFIX + f.name, f.title, f.description) for f in FORMS.values()]
        docs.append(
            PrintableDocument(
                PERSONAL_FILE_REGISTER,
                _("個人情報ファイル簿"),
                _(
                    "協働デスクが保有する個人情報の一覧(利用目的・項目・保存期間・閲覧できる職員)。アプリの定義から作られます。"
                ),
            )
        )
        return docs

    def document(self, key: str) -> PrintableDocument:
        for doc in self.documents():
            if doc.key == key:
                return doc
        raise ServiceError(_("「{key}」という印刷物はありません。").format(key=key))

    def handbook_source(self) -> HandbookSourceInfo:
        from kyodo_desk.documents.handbook import choose_handbook_dir

        folder, is_override = choose_handbook_dir(self.handbook_override_dir)
        if is_override:
            note = _("ハンドブックはデータフォルダの編集版の原稿を使っています({path})。").format(path=folder)
        else:
            note = _(
                "ハンドブックは標準の原稿を使っています。編集版を使うには、原稿をデータフォルダの {path} に置いてください。"
            ).format(path=self.handbook_override_dir or "handbook")
        return HandbookSourceInfo(folder, is_override, note, self.handbook_override_dir)

    def center(self) -> CenterInfo:
        return CenterInfo.from_settings(self.settings.get())

    # ------------------------------------------------------------------ building

    def build(
        self,
        actor: Actor,
        key: str,
        paper: Paper | str = Paper.A4,
        *,
        progress: Progress | None = None,
        today: dt.date | None = None,
    ) -> BuiltDocument:
        """Build *key* as PDF bytes (never touches Qt; safe on a worker thread)."""
        require(actor, Permission.PRINT)
        doc = self.document(key)
        paper = Paper(paper)
        if paper not in doc.papers:
            raise ServiceError(
                _("「{title}」は{paper}では印刷できません。").format(title=doc.title, paper=paper.short_label())
            )
        center = self.center()
        if key == HANDBOOK:
            return self._handbook(doc, center, paper, progress, today)
        if key == PERSONAL_FILE_REGISTER:
            from kyodo_desk.documents.forms import personal_file_register

            data = personal_file_register.build(center, today=today, progress=progress)
            return BuiltDocument(key, doc.title, paper, data, _count_pages(data))
        from kyodo_desk.documents.forms import get_form

        data = get_form(key[len(FORM_PREFIX) :]).build(center, today=today, progress=progress)
        return BuiltDocument(key, doc.title, paper, data, _count_pages(data))

    def _handbook(
        self, doc: PrintableDocument, center: CenterInfo, paper: Paper, progress, today: dt.date | None = None
    ) -> BuiltDocument:
        from kyodo_desk.documents.handbook import HandbookSourceError, build_handbook, load_handbook
        from kyodo_desk.services.handbook_plan import handbook_plan

        try:
            source = load_handbook(self.handbook_override_dir)
        except HandbookSourceError as exc:
            raise ServiceError(str(exc)) from exc
        result = build_handbook(
            source,
            center,
            booklet=paper is Paper.A5_BOOKLET,
            progress=progress,
            plan=handbook_plan(self.db, source.title.plan),  # ended or current: by the print date
            today=today or dt.date.today(),
        )
        info = self.handbook_source()
        return BuiltDocument(
            HANDBOOK,
            doc.title,
            paper,
            result.data,
            result.sheets_sides,
            landscape=result.booklet,
            duplex_short_edge=result.booklet,
            warnings=result.warnings,
            note=info.note,
        )

    # ------------------------------------------------------------------ audit

    def record_output(self, actor: Actor, doc: BuiltDocument, *, copies: int = 1, destination: str = "printer") -> None:
        """Note in the audit log that *doc* was printed (or saved as PDF)."""
        require(actor, Permission.PRINT)
        with self.db.write() as s:
            audit(
                s,
                actor,
                AuditAction.PRINT,
                "document",
                None,
                f"document={doc.key} paper={doc.paper.value} copies={int(copies)} to={destination}",
            )


def _count_pages(data: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)
