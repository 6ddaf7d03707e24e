"""The global search-and-scan box: one query over every registered kind of record.

Later features add their kinds with :func:`register_kind` (label and the permission needed to see
them); the UI registers how to open each kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from kyodo_desk.db import search as search_index
from kyodo_desk.db.engine import Database
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import N_, _, format_number
from kyodo_desk.services.audit_writer import write_audit_rows
from kyodo_desk.services.base import Actor, PermissionDenied, audit_row
from kyodo_desk.services.conflict_retry import conflict_retrying


@dataclass(frozen=True)
class KindInfo:
    label: str  # untranslated msgid
    permission: Permission


KINDS: dict[str, KindInfo] = {  # in the order the search box shows its groups
    "organization": KindInfo(N_("団体"), Permission.ORGANIZATION_VIEW),
    "device": KindInfo(N_("機器"), Permission.LENDING_OPERATE),
    "person": KindInfo(N_("個人"), Permission.PERSON_VIEW),
    "consultation": KindInfo(N_("相談"), Permission.CONSULTATION_VIEW),
    "loan": KindInfo(N_("貸出"), Permission.LENDING_OPERATE),
    "advisor": KindInfo(N_("アドバイザー"), Permission.DISPATCH_EDIT),
    "dispatch": KindInfo(N_("派遣申請"), Permission.DISPATCH_EDIT),
    "project": KindInfo(N_("協働事業"), Permission.PROJECT_VIEW),
}


def register_kind(kind: str, label: str, permission: Permission) -> None:
    KINDS[kind] = KindInfo(label, permission)


def kind_label(kind: str) -> str:
    info = KINDS.get(kind)
    return _(info.label) if info else kind


@dataclass(frozen=True)
class Hit:
    kind: str
    ref_id: int
    title: str
    subtitle: str
    code: str | None
    total: int = 0  # how many records of this kind match (0: not counted)

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)


@dataclass(frozen=True)
class HitGroup:
    """The hits of one kind: the best few, and how many there are in all."""

    kind: str
    total: int  # above search_index.COUNT_CAP: 「more than COUNT_CAP」 (a kind of many records is not counted on)
    hits: tuple[Hit, ...]

    @property
    def capped(self) -> bool:
        return self.total > search_index.COUNT_CAP

    @property
    def count_text(self) -> str:
        """「120件」, or 「5,000件以上」 for a kind counted only that far."""
        if self.capped:
            return _("{n}件以上").format(n=format_number(search_index.COUNT_CAP))
        return _("{n}件").format(n=format_number(self.total))

    @property
    def label(self) -> str:
        return kind_label(self.kind)

    @property
    def more(self) -> bool:
        return self.total > len(self.hits)


@conflict_retrying
class SearchService:
    """Searching is audited: which kinds and ids were shown and how many, never the query text
    (a query is often a person's name).  One short write after the read, one row per kind found."""

    def __init__(self, db: Database):
        self.db = db

    def _visible_kinds(self, actor: Actor) -> list[str]:
        kinds = [k for k, info in KINDS.items() if actor.can(info.permission)]
        if not kinds:  # a role that may see nothing at all may not search
            raise PermissionDenied(actor, next(iter(KINDS.values())).permission)
        return kinds

    def search(self, actor: Actor, query: str, *, limit: int = 50) -> list[Hit]:
        """The best *limit* hits of each kind this staff member may see, kind after kind."""
        kinds = self._visible_kinds(actor)
        with self.db.read() as s:
            hits = [Hit(*h.__dict__.values()) for h in search_index.search_groups(s, query, kinds=kinds, limit=limit)]
        self._audit(actor, hits, "box")
        return hits

    def search_grouped(self, actor: Actor, query: str, *, per_kind: int = 5) -> list[HitGroup]:
        """The search box's answer: per kind its count and best *per_kind* hits (exact code or
        name first, then newest); a kind whose first hit is the exact code typed comes first."""
        groups: dict[str, list[Hit]] = {}
        for hit in self.search(actor, query, limit=per_kind):
            groups.setdefault(hit.kind, []).append(hit)
        code = search_index.query_code(query)
        out = [HitGroup(kind, hits[0].total, tuple(hits)) for kind, hits in groups.items()]
        return sorted(out, key=lambda g: g.hits[0].code != code)  # stable: otherwise in KINDS order

    def resolve_code(self, actor: Actor, code: str) -> Hit | None:
        """What a scanned code names, if this staff member may see it."""
        kinds = self._visible_kinds(actor)
        with self.db.read() as s:
            hit = search_index.find_by_code(s, code)
        if hit is None or hit.kind not in kinds:
            return None
        found = Hit(*hit.__dict__.values())
        self._audit(actor, [found], "code")
        return found

    def _audit(self, actor: Actor, hits: list[Hit], source: str) -> None:
        by_kind: dict[str, list[int]] = {}
        for h in hits:
            by_kind.setdefault(h.kind, []).append(h.ref_id)
        rows = [
            audit_row(
                actor, AuditAction.SEARCH, kind, None, f"source={source} n={len(ids)} of={len(hits)}", record_ids=ids
            )
            for kind, ids in by_kind.items()
        ] or [audit_row(actor, AuditAction.SEARCH, "search", None, f"source={source} n=0")]
        write_audit_rows(self.db, rows)  # one short write after the read; queued if another desk holds the lock
