"""The search box groups its hits by kind, counts each kind, ranks exact codes and names first,
finds phone numbers however they are typed, and never fails on what is typed or pasted (issue 14)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kyodo_desk.db.search import MAX_TERMS, index_document, split_terms
from kyodo_desk.services.organizations import OrganizationInput


def _consultations(db, word: str, n: int, start: int = 1) -> None:
    with db.write() as s:
        for i in range(start, start + n):
            index_document(
                s,
                "consultation",
                i,
                title=f"{word}の回覧板について {i}",
                subtitle="2026-04-01",
                code=f"S2026-{i:05d}",
                texts=(f"{word}の役員から{word}の相談",),
            )


def _groups(services, actor, query, **kw):
    return {g.kind: g for g in services.search.search_grouped(actor, query, **kw)}


@pytest.fixture
def town(services, staff_actor, db):
    """3 町会 organizations registered first, then 40 consultations mentioning 町会 (newer)."""
    orgs = [
        services.organizations.create(staff_actor, OrganizationInput(name=name, phone=phone))
        for name, phone in (("広坂町会", "076-220-2026"), ("金石町会", "076-267-0001"), ("長町町会", "076-231-1234"))
    ]
    _consultations(db, "町会", 40)
    return orgs


def test_an_older_few_organizations_are_not_buried_by_newer_consultations(services, staff_actor, town):
    groups = services.search.search_grouped(staff_actor, "町会", per_kind=4)
    assert [g.kind for g in groups] == ["organization", "consultation"]  # the first screen starts with 団体
    orgs, consultations = groups
    assert orgs.total == 3 and {h.title for h in orgs.hits} == {"広坂町会", "金石町会", "長町町会"}
    assert consultations.total == 40 and len(consultations.hits) == 4 and consultations.more
    assert [h.ref_id for h in consultations.hits] == [40, 39, 38, 37]  # newer before older
    assert [h.title for h in orgs.hits] == ["長町町会", "金石町会", "広坂町会"]  # newest first as well


def test_tablets_show_among_consultations_about_tablets(services, admin, db):
    with db.write() as s:
        for i in (1, 2):
            index_document(
                s,
                "device",
                i,
                title=f"KD-000{i} タブレット",
                subtitle="iPad 第9世代",
                code=f"KD-000{i}",
                texts=("iPad",),
            )
    _consultations(db, "タブレット", 40)
    groups = _groups(services, admin, "タブレット", per_kind=4)
    assert groups["device"].total == 2 and [h.code for h in groups["device"].hits] == ["KD-0002", "KD-0001"]
    assert groups["consultation"].total == 40
    assert list(groups)[0] == "device"  # 機器 before 相談


def test_exact_code_then_exact_name_come_first_within_their_kind(services, staff_actor, town, db):
    _consultations(db, "広坂町会", 3, start=100)  # newer consultations naming it
    groups = _groups(services, staff_actor, "広坂町会")
    assert groups["organization"].hits[0].title == "広坂町会"
    code = groups["organization"].hits[0].code
    # a full-width code (ＯＲＧ－０００１２) ranks as the code, and its kind comes first
    full_width = code.translate(str.maketrans("ORG-0123456789", "ＯＲＧ－０１２３４５６７８９"))
    first = services.search.search_grouped(staff_actor, full_width)[0]
    assert first.kind == "organization" and first.hits[0].code == code
    old = services.search.search_grouped(staff_actor, "S2026-00001")[0]  # the oldest consultation, by its code
    assert old.kind == "consultation" and old.hits[0].ref_id == 1


@pytest.mark.parametrize(
    "query",
    ["076-220-2026", "0762202026", "０７６２２０２０２６", "０７６－２２０－２０２６", "076ー220ー2026", "2202026"],
)
def test_phone_numbers_match_with_or_without_hyphens_and_in_full_width(services, staff_actor, town, query):
    groups = _groups(services, staff_actor, query)
    assert [h.title for h in groups["organization"].hits] == ["広坂町会"]


def test_the_digits_of_a_changed_phone_number_follow_it(services, staff_actor, town):
    org = town[0]
    data = OrganizationInput(name=org.name, phone="076-111-2222")
    services.organizations.update(staff_actor, org.id, org.version, data)
    assert "organization" in _groups(services, staff_actor, "0761112222")
    assert "organization" not in _groups(services, staff_actor, "0762202026")


def test_a_kind_this_staff_member_may_not_see_is_neither_listed_nor_counted(services, ict_actor, town):
    assert "consultation" not in _groups(services, ict_actor, "町会")  # ICT推進員: lending (and borrowers) only


def test_a_kind_of_many_records_is_counted_only_up_to_the_cap(services, staff_actor, town, monkeypatch):
    from kyodo_desk.db import search as search_index

    monkeypatch.setattr(search_index, "COUNT_CAP", 10)
    groups = _groups(services, staff_actor, "町会")
    assert groups["consultation"].capped and groups["consultation"].count_text == "10件以上"
    assert groups["organization"].total == 3 and groups["organization"].count_text == "3件"  # few records: exact


def test_queries_are_bounded_in_terms_and_characters():
    assert len(split_terms(" ".join(f"語{i}" for i in range(1000)))) == MAX_TERMS
    assert split_terms("町会 町会 町会") == ["町会"]
    assert split_terms("a\x00b\x1fc\u200bd") == ["a", "b", "c", "d"]
    assert max(len(t) for t in split_terms("あ" * 2000)) <= 40


HOSTILE = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.lists(
        st.sampled_from(
            ['"', "'", "NEAR", "NEAR(", "AND", "OR", "NOT", "*", "^", ":", "(", ")", "{", "}", "%", "_", "\\", "\x00"]
            + ["町会", "金", "ORG-00001", "076-220", "０７６", "text :", "kind :", "kconsultation", "u91d1", "--", ";"]
        ),
        max_size=40,
    ).map(" ".join),
    st.builds(lambda ch, n: ch * n, st.characters(), st.integers(1, 2000)),
    st.builds(lambda n: " ".join(["金"] * n), st.integers(900, 1100)),
    st.builds(lambda n: " ".join(f"a{i}" for i in range(n)), st.integers(1, 1000)),
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=HOSTILE)
def test_hostile_queries_never_raise(services, admin, town, query):
    groups = services.search.search_grouped(admin, query)
    assert all(g.total >= len(g.hits) >= 1 for g in groups)
