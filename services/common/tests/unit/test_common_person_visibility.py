"""Unit: the one rule of who may see a person's age-revealing fields, and the tables services build from it."""
import pytest

from hearth_common import person_visibility as pv


@pytest.mark.parametrize("viewer, sees_cohort", [(pv.PEER, False), (pv.SELF, True), (pv.MODERATOR, True),
                                                  (pv.ADMIN, True)])
def test_only_peers_never_see_a_cohort_and_nobody_a_date_of_birth(viewer, sees_cohort):
    assert pv.may_see(viewer, "cohort") is sees_cohort
    assert pv.may_see(viewer, "age") is sees_cohort
    assert pv.may_see(viewer, "date_of_birth") is False
    assert pv.may_see(viewer, "username") and pv.may_see(viewer, "kind")


def test_relation_depends_on_the_caller_never_on_the_subjects_cohort():
    assert pv.relation("a", "a", viewer_is_admin=True) == pv.SELF
    assert pv.relation("a", "b", viewer_is_admin=True, viewer_moderates_subject=True) == pv.ADMIN
    assert pv.relation("a", "b", viewer_moderates_subject=True) == pv.MODERATOR
    assert pv.relation("a", "b") == pv.PEER
    assert pv.relation(None, "b") == pv.PEER


def test_redact_leaves_hidden_fields_absent_not_defaulted():
    person = {"id": "p", "username": "sam", "kind": "member", "cohort": "teen"}
    assert pv.redact(person, pv.PEER) == {"id": "p", "username": "sam", "kind": "member", "cohort": None}
    assert pv.redact(person, pv.SELF) == person


def test_an_unknown_viewer_is_refused():
    with pytest.raises(ValueError):
        pv.may_see("stranger", "cohort")


def test_a_table_cannot_show_a_peer_the_cohort_or_skip_a_viewer():
    with pytest.raises(ValueError, match="never shows it to a peer"):
        pv.row("cohort", "GetX")
    with pytest.raises(ValueError, match="every viewer"):
        pv.FieldRow("username", ("GetX",), {pv.PEER: pv.SHOWN})
    assert pv.by_rule("cohort", "GetX").seen == {pv.PEER: pv.HIDDEN, pv.SELF: pv.SHOWN, pv.MODERATOR: pv.SHOWN,
                                                 pv.ADMIN: pv.SHOWN}


def test_render_names_every_viewer_and_the_footnote():
    table = pv.PersonFieldsTable("svc", (pv.row("username", "GetX"), pv.row("date_of_birth", (), not_carried=True)),
                                 "a note")
    text = pv.render_markdown(table)
    assert "| `username` | `GetX` | shown | shown | shown | shown |" in text
    assert "| `date_of_birth` | none | not carried |" in text
    assert text.endswith("Footnote (svc): a note\n")
