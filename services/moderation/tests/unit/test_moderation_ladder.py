"""Unit: the strike ladder as data: 7 Cups' default, its validation (naming the field), and editing it over the
use cases (admins only; a new version each time; warnings already given keep their lifetime)."""
import datetime as dt

import pytest
from moderation_unit_helpers import ROOM

from hearth_common.contracts.moderation import REPORT_REASONS
from moderation_service.domain.errors import InvalidLadder, NotPermitted
from moderation_service.domain.ladder import BAN, DEFAULT_LADDER, MUTE, ladder_from


def test_the_default_is_7_cups_the_third_active_warning_mutes_for_24_hours():
    assert DEFAULT_LADDER.rung_at(1) is None and DEFAULT_LADDER.rung_at(2) is None
    third = DEFAULT_LADDER.rung_at(3)
    assert (third.kind, third.minutes) == (MUTE, 24 * 60)
    assert DEFAULT_LADDER.rung_at(4) is None
    assert (DEFAULT_LADDER.rung_at(5).kind, DEFAULT_LADDER.rung_at(5).minutes) == (BAN, 7 * 24 * 60)
    assert DEFAULT_LADDER.rung_at(9) == DEFAULT_LADDER.rungs[-1]  # past the last rung, the last rung again


def test_every_reason_has_a_tier_minor_after_30_days_serious_after_90():
    assert set(DEFAULT_LADDER.reason_tiers) == set(REPORT_REASONS)
    assert DEFAULT_LADDER.lifetime("unkind") == dt.timedelta(days=30)
    assert DEFAULT_LADDER.lifetime("contact_details") == dt.timedelta(days=90)


def edited(**changes) -> dict:
    return DEFAULT_LADDER.to_dict() | changes


@pytest.mark.parametrize("data, refusal", [
    ("nope", "ladder must be an object"),
    (edited(tiers={}), "tiers must name 1 to 8"),
    (edited(tiers={"minor": 0, "serious": 90}), "tiers.minor: a warning counts 1 to 365 days"),
    (edited(tiers={"bad name": 3, "minor": 3, "serious": 3}), "tiers: a tier's name"),
    (edited(reason_tiers={"unkind": "minor"}), "reason_tiers must give a tier to every reason"),
    (edited(reason_tiers=DEFAULT_LADDER.reason_tiers | {"spam": "gentle"}), "reason_tiers.spam: 'gentle' is not"),
    (edited(rungs=[{"warnings": 3, "kind": "mute", "minutes": 60}, {"warnings": 3, "kind": "ban", "minutes": 60}]),
     r"rungs\[1\].warnings must be more than"),
    (edited(rungs=[{"warnings": 3, "kind": "warn", "minutes": 60}]), r"rungs\[0\].kind must be mute or ban"),
    (edited(rungs=[{"warnings": 3, "kind": "mute", "minutes": None}]), r"rungs\[0\].minutes must be a whole"),
    (edited(rungs=[{"warnings": 3, "kind": "mute", "minutes": 40321}]), r"rungs\[0\].minutes must be 1 to 40320"),
])
def test_a_ladder_is_validated_naming_the_field(data, refusal):
    with pytest.raises(InvalidLadder, match=refusal):
        ladder_from(data)


def test_admins_edit_the_ladder_and_the_next_warning_follows_it(sanctions, world, db):
    admin, mod, sam = world.admin(), world.moderator("mod_mia"), world.member("sam")
    assert sanctions.ladder()["version"] == 0 and sanctions.ladder()["rungs"][0]["warnings"] == 3
    stricter = edited(rungs=[{"warnings": 2, "kind": "mute", "minutes": 60}])
    with pytest.raises(NotPermitted):
        sanctions.set_ladder(mod, stricter)
    changed = sanctions.set_ladder(admin, stricter, idempotency_key="ladder-1")
    assert (changed["version"], changed["changed_by"]) == (1, admin)
    assert sanctions.set_ladder(admin, stricter, idempotency_key="ladder-1") == changed
    assert sanctions.ladder()["rungs"] == [{"warnings": 2, "kind": "mute", "minutes": 60}]
    sanctions.issue_warning(mod, sam, "unkind", None, ROOM)
    second = sanctions.issue_warning(mod, sam, "unkind", None, ROOM)
    assert second["sanction"]["kind"] == "mute" and second["sanction"]["source"] == "ladder"
    assert [e.action for e in db.tables["audit_log"].values()].count("ladder_changed") == 1
    assert sanctions.set_ladder(admin, DEFAULT_LADDER.to_dict())["version"] == 2
