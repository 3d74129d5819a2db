"""Unit (fakes): identity's use cases show a person's cohort and room-scoped grants only to the person and admins."""
import pytest

from identity_service.service_layer.services import Actor

SETUP = Actor(service="test-setup")
TEEN_DOB = "2010-01-01"  # 15 on the fakes' clock (as in conftest)


@pytest.fixture
def people(service, make_person):
    teen, peer, moderator, admin = (make_person("tia_teen", TEEN_DOB), make_person("abe"), make_person("mod_mia"),
                                    make_person("ada_admin"))
    service.grant_role(SETUP, moderator["id"], "chat_room_moderator")
    service.grant_role(SETUP, admin["id"], "admin")
    return teen, peer, moderator, admin


def test_the_cohort_is_the_persons_and_admins_only(service, people):
    teen, peer, moderator, admin = people
    assert teen["cohort"] == "teen"
    for viewer, cohort in ((peer, None), (moderator, None), (teen, "teen"), (admin, "teen")):
        seen = service.look_up_person(Actor(person_id=viewer["id"]), username="TIA_TEEN")
        assert seen == {**teen, "cohort": cohort}, viewer["username"]


def test_a_peer_gets_the_same_shape_for_a_teen_and_an_adult(service, people):
    teen, peer, _, _ = people
    adult = service.look_up_person(Actor(person_id=peer["id"]), username="ada_admin")
    young = service.look_up_person(Actor(person_id=peer["id"]), username="tia_teen")
    assert adult["cohort"] is young["cohort"] is None and adult.keys() == young.keys()


def test_a_service_sees_everything(service, people):
    teen = people[0]
    assert service.look_up_person(SETUP, person_id=teen["id"]) == teen == service.get_person(person_id=teen["id"])


def test_room_scoped_grants_are_the_persons_and_admins_only(service, people):
    teen, peer, moderator, admin = people
    service.grant_role(SETUP, teen["id"], "on_spot_host", room_id="teen-lounge")
    service.grant_role(SETUP, teen["id"], "support_session_leader")
    for viewer, rooms in ((peer, [None]), (moderator, [None]), (teen, [None, "teen-lounge"]),
                          (admin, [None, "teen-lounge"])):
        grants = service.list_roles(teen["id"], Actor(person_id=viewer["id"]))
        assert sorted((g["room_id"] or "") for g in grants) == sorted((r or "") for r in rooms), viewer["username"]
    assert len(service.list_roles(teen["id"])) == 2  # a service (no viewer): every grant
