"""「すべて表示」 lists of 貸出, 派遣申請, アドバイザー and 個人: the list filtered by the search box's
words holds exactly the records the box counted — checked against the index rows themselves."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kyodo_desk.db.models import SearchDocument
from kyodo_desk.db.search import split_terms
from kyodo_desk.domain.dispatch import Field
from kyodo_desk.services import demo
from kyodo_desk.services.advisors import AdvisorInput
from kyodo_desk.services.base import PermissionDenied
from kyodo_desk.services.loan_list import LoanFilter
from kyodo_desk.services.people import PersonInput


def _indexed(db, kind: str, query: str) -> set[int]:
    """The oracle: ref ids of *kind* whose index text holds every word (read row by row)."""
    terms = split_terms(query)
    with db.read() as s:
        rows = s.execute(select(SearchDocument.ref_id, SearchDocument.text).where(SearchDocument.kind == kind))
        return {ref for ref, text in rows if all(t in text for t in terms)}


def _box_total(services, actor, kind: str, query: str) -> int:
    groups = {g.kind: g for g in services.search.search_grouped(actor, query, per_kind=4)}
    return groups[kind].total if kind in groups else 0


@pytest.fixture
def demo_db(db, services, admin):
    demo.generate(db, size="small")
    return db


def test_loan_list_filtered_by_words_is_what_the_box_counted(demo_db, services, admin):
    query = "L2025-000"
    expected = _indexed(demo_db, "loan", query)
    assert len(expected) > 4  # more than the box shows under its heading
    loans = services.loans
    assert loans.count_loans(admin, LoanFilter(query)) == len(expected) == _box_total(services, admin, "loan", query)
    listed = loans.page_loans(admin, LoanFilter(query), limit=1000)
    assert {r.id for r in listed} == expected
    assert all(r.reference.startswith("L2025-000") for r in listed)
    assert [r.out_at for r in listed] == sorted((r.out_at for r in listed), reverse=True)  # newest first
    # pages never overlap and together are the whole list
    paged = loans.page_loans(admin, LoanFilter(query), limit=10) + loans.page_loans(
        admin, LoanFilter(query), offset=10, limit=1000
    )
    assert [r.id for r in paged] == [r.id for r in listed]
    # with 貸出中 / 返却済み
    open_ = loans.page_loans(admin, LoanFilter(query, "open"), limit=1000)
    closed = loans.page_loans(admin, LoanFilter(query, "closed"), limit=1000)
    assert {r.id for r in open_} | {r.id for r in closed} == expected
    assert all(r.status == "open" for r in open_) and all(r.status == "closed" for r in closed)
    assert loans.count_loans(admin, LoanFilter()) == loans.count_loans(admin, LoanFilter("   "))  # no words: all


def test_dispatch_applications_filtered_by_words(demo_db, services, admin):
    query = "オンライン会議"
    expected = _indexed(demo_db, "dispatch", query)
    assert len(expected) > 4
    dispatch = services.dispatch
    assert dispatch.count(admin, text=query) == len(expected) == _box_total(services, admin, "dispatch", query)
    listed = dispatch.list(admin, text=query, limit=1000)
    assert {a.id for a in listed} == expected and all("オンライン会議" in a.topic for a in listed)
    # the words narrow the other filters, not replace them
    some = listed[0]
    same_year = dispatch.list(admin, text=query, fiscal_year=some.fiscal_year, limit=1000)
    assert {a.id for a in same_year} == {a.id for a in listed if a.fiscal_year == some.fiscal_year}
    assert dispatch.count(admin, text=listed[0].reference) == 1  # 受付番号


def test_advisors_filtered_by_words_inactive_too(demo_db, services, admin):
    for i in range(6):
        services.advisors.save(
            admin,
            AdvisorInput(
                name=f"絞込 太郎{i}",
                name_kana=f"シボリコミ タロウ{'アイウエオカ'[i]}",
                fields=(Field.ICT.value,),
                active=i != 0,
            ),
        )
    query = "絞込"
    expected = _indexed(demo_db, "advisor", query)
    assert len(expected) == 6 == _box_total(services, admin, "advisor", query)
    assert {a.id for a in services.advisors.list(admin, include_inactive=True, text=query)} == expected
    assert len(services.advisors.list(admin, text=query)) == 5  # 休止中 left out unless asked for
    assert len(services.advisors.list(admin, include_inactive=True, text="絞込 タロウエ")) == 1  # every word


def test_people_list_filtered_by_words(demo_db, services, admin):
    for i in range(6):
        services.people.create(
            admin, PersonInput(name=f"絞込 花子{i}", name_kana=f"シボリコミ ハナコ{'アイウエオカ'[i]}")
        )
    query = "シボリコミ"
    expected = _indexed(demo_db, "person", query)
    assert len(expected) == 6 == _box_total(services, admin, "person", query)
    assert services.people.count(admin, query) == 6
    listed = services.people.page(admin, query, limit=100)
    assert {p.id for p in listed} == expected
    assert [p.name_kana for p in listed] == sorted(p.name_kana for p in listed)
    assert services.people.count(admin) == services.people.count(admin, "") > 6  # no words: everyone
    ict = services.staff.create(admin, "ict2", "北村 二郎", "ict_promoter", "キタムラ ジロウ").as_actor()
    with pytest.raises(PermissionDenied):  # an ICT推進員 may not see people: no list either
        services.people.page(ict, query)


@pytest.mark.parametrize("query", ["\x00", "a" * 5000, " ".join(str(i) for i in range(2000)), "%_\\", "'\"*:("])
def test_hostile_words_never_fail(demo_db, services, admin, query):
    services.loans.count_loans(admin, LoanFilter(query))
    services.loans.page_loans(admin, LoanFilter(query))
    services.dispatch.count(admin, text=query)
    services.dispatch.list(admin, text=query)
    services.advisors.list(admin, text=query, include_inactive=True)
    services.people.count(admin, query)
    services.people.page(admin, query)
