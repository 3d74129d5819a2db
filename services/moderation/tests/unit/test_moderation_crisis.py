"""Unit tests of crisis care that never punishes (issue 14 section 4): from the high tier on, the author's care
notice and a crisis page, once per message; the message stays; no case, report, warning or sanction ever follows,
over the whole labelled corpus."""
from __future__ import annotations

import json
import pathlib
import uuid

from moderation_unit_helpers import ROOM

from hearth_common.automod import Tier
from hearth_common.contracts import room as room_contract
from moderation_service.domain.pager import CRISIS_BADGE
from moderation_service.service_layer.crisis import tier_of

CORPUS = pathlib.Path(__file__).parents[3] / "common" / "tests" / "unit" / "data"
PLAN = "i have the pills saved up and i'm going to take them all tonight"
CARE_EVENTS = {"page_sent", "crisis_flagged", "notice_issued"}


def test_a_crisis_message_brings_the_author_a_care_notice_and_pages_a_crisis_trained_moderator(
        pager, service, world, published, db):
    trained = world.moderator("mo_crisis", ROOM, cohort="teen")
    plain = world.moderator("mo_plain", ROOM, cohort="teen")
    world.badge(trained, CRISIS_BADGE)
    pager.go_on_duty(trained)
    pager.go_on_duty(plain)
    teen = world.member("teen_sam", cohort="teen")

    message_id = world.post(teen, PLAN)

    notices = [e for e in published if e.type == "notice_issued"]
    assert [(n.data["person_id"], n.data["kind"]) for n in notices] == [(teen, "care")]
    assert any("Teen Line" in line or "Childline" in line for line in notices[0].data["resources"])
    [flag] = [e for e in published if e.type == "crisis_flagged"]
    assert flag.data["message_id"] == message_id and flag.data["tier"] == "imminent"
    [page] = pager.list_pages(trained)
    assert page["kind"] == "crisis" and page["recipient_ids"] == [trained] and page["excerpt"] == PLAN
    assert pager.list_pages(plain) == []
    assert db.rows("messages")[0].body == PLAN, "the message is still there: the person is heard"
    assert db.rows("cases") == [] and db.rows("reports") == []


def test_an_adult_gets_the_adults_lines(pager, world, published):
    world.admin()
    author = world.member("sam", cohort="adult")
    world.post(author, PLAN)
    [notice] = [e for e in published if e.type == "notice_issued"]
    assert any("Samaritans" in line for line in notice.data["resources"])


def test_words_edited_into_crisis_are_met_with_care_once_and_masked_words_are_read(pager, world, published):
    world.admin()
    author = world.member("sam")
    message_id = world.post(author, "rough day, I'll be fine")
    assert published == []
    world.edit(author, message_id, "i have *** *** tonight",
               original_body=PLAN)  # room masked the words; moderation reads what was written
    world.edit(author, message_id, PLAN)  # edited again: still the one message, cared for once
    assert [e.type for e in published].count("crisis_flagged") == 1
    [notice] = [e for e in published if e.type == "notice_issued"]
    assert (notice.data["person_id"], notice.data["kind"]) == (author, "care")


def test_the_same_message_redelivered_or_replayed_is_cared_for_once(service, world, published, clock):
    world.admin()
    author = world.member("sam")
    payload = room_contract.MessagePosted(room_slug=ROOM, message_id=str(uuid.uuid4()), seq=99, author_id=author,
                                          body=PLAN, reply_to=None, mention_ids=(), posted_at=clock())
    envelope = {**payload.event().envelope("room"), "seq": 1001}
    assert service.apply_room_event(envelope)
    assert not service.apply_room_event(envelope)  # the same event again
    assert service.apply_room_event({**payload.event().envelope("room"), "seq": 1002})  # a replay: another id
    assert [e.type for e in published].count("crisis_flagged") == 1
    assert [e.type for e in published].count("page_sent") == 1


def test_below_the_high_tier_nothing_happens(world, published):
    world.admin()
    author = world.member("sam")
    world.post(author, "sometimes i wish i could just disappear for a while")
    world.post(author, "this exam is killing me lol")
    assert published == []


def test_the_whole_corpus_brings_care_and_never_a_case_report_warning_or_sanction(pager, service, world, published,
                                                                                    db):
    """Every labelled message goes through the worker's path. Crisis language brings care alone: no report, case,
    hide, warning or sanction names a message in crisis (by the corpus's label or the reader's tier). Automod may
    still flag a message that is not in crisis (contact details, abuse, spam): that is its job, not a penalty."""
    world.admin()
    trained = world.moderator("mo_crisis", None)
    world.badge(trained, CRISIS_BADGE)
    pager.go_on_duty(trained)
    authors = {"teen": world.member("teen_author", cohort="teen"), "adult": world.member("adult_author")}
    cases = [json.loads(line) for name in ("automod_corpus.jsonl", "automod_holdout.jsonl", "automod_unseen.jsonl")
             for line in (CORPUS / name).read_text().splitlines() if line.strip()]
    assert len(cases) >= 300

    cared, in_crisis = 0, set()
    for case in cases:
        message_id = world.post(authors.get(case.get("cohort"), authors["adult"]), case["text"])
        cared += tier_of(case["text"]) >= Tier.HIGH
        if case["expect"]["crisis"] != "none" or tier_of(case["text"]) >= Tier.MEDIUM:
            in_crisis.add(message_id)

    assert {e.type for e in published} <= CARE_EVENTS | {"report_filed"}
    assert {e.data["kind"] for e in published if e.type == "notice_issued"} == {"care"}
    assert [e.type for e in published].count("crisis_flagged") == cared > 50
    reported = {r.message_id for r in db.rows("reports")}
    assert reported and not reported & in_crisis, "no report names a message in crisis"
    assert not {a.args.get("message_id") for a in db.rows("room_actions")} & in_crisis
    assert {r.reporter_id for r in db.rows("reports")} == {"automod"}
    assert not any(e.action.startswith(("warning", "sanction")) for e in db.rows("audit_log"))
