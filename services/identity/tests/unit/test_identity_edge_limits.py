"""Unit tests: identity's limits at the gRPC edge are never tighter than its domain's rules, and the largest
legal request of every method fits the server's receive limit."""
import pytest
from google.protobuf import message_factory
from hearth.identity.v1 import identity_pb2 as pb

from hearth_common.idempotency import KEY_MAX
from identity_service.domain import model
from identity_service.entrypoints.grpc_server import LIMITS, SERVICE_NAME
from identity_service.service_layer import services

METHODS = pb.DESCRIPTOR.services_by_name["IdentityService"].methods


@pytest.mark.parametrize("method", METHODS, ids=lambda m: m.name)
def test_the_largest_legal_request_of_every_method_is_within_the_limits_and_the_receive_limit(method):
    request = LIMITS.widest(message_factory.GetMessageClass(method.input_type))
    assert LIMITS.refusal(request) is None
    assert request.ByteSize() <= LIMITS.largest_bytes(method.input_type) <= LIMITS.receive_limit([SERVICE_NAME])


@pytest.mark.parametrize("request_", [
    pb.RegisterRequest(username="u" * 32, password="p" * model.PASSWORD_MAX, date_of_birth="1990-01-01"),
    pb.LoginRequest(username="u" * 32, password="p" * model.PASSWORD_MAX),
    pb.GetPersonRequest(id="urn:uuid:" + "1" * 36),
    pb.GrantRoleRequest(person_id="{" + "1" * 36 + "}", room_id="r" * 64),
    pb.RevokeRoleRequest(grant_id="1" * 36, reason=" " + "r" * services.REASON_MAX + " "),
    pb.AwardBadgeRequest(person_id="1" * 36, badge_slug="b" * 64, reason="r" * services.REASON_MAX,
                         idempotency_key=" " + "k" * KEY_MAX + " "),
    pb.RevokeBadgeRequest(person_id="1" * 36, badge_slug="b" * 64, reason="r" * services.REASON_MAX,
                          idempotency_key="k" * KEY_MAX),
], ids=lambda r: type(r).__name__)
def test_what_the_domain_accepts_at_its_longest_passes_the_edge(request_):
    assert LIMITS.refusal(request_) is None


@pytest.mark.parametrize("request_, field", [
    (pb.RegisterRequest(password="p" * (model.PASSWORD_MAX + 1)), "password"),
    (pb.RegisterRequest(date_of_birth="1990-01-01T00:00"), "date_of_birth"),
    (pb.RevokeRoleRequest(reason="r" * (services.REASON_MAX + 1)), "reason"),
], ids=lambda r: getattr(r, "DESCRIPTOR", None) and r.DESCRIPTOR.name)
def test_one_character_past_the_domains_rule_is_refused_at_the_edge(request_, field):
    assert LIMITS.refusal(request_).startswith(f"{field} is ")
