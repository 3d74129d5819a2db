"""Unit tests: moderation's limits at the gRPC edge are never tighter than its domain's rules, and the largest
legal request of every method fits the server's receive limit."""
import pytest
from google.protobuf import message_factory
from hearth.moderation.v1 import moderation_pb2 as pb

from hearth_common.contracts.moderation import CASE_DECISIONS, REPORT_REASONS
from hearth_common.idempotency import KEY_MAX as IDEMPOTENCY_KEY_MAX
from moderation_service.domain.reports import NOTE_MAX
from moderation_service.entrypoints.grpc_server import LIMITS, SERVICE_NAME

METHODS = pb.DESCRIPTOR.services_by_name["ModerationService"].methods
LONGEST_REASON = max(REPORT_REASONS, key=len)
LONGEST_DECISION = max(CASE_DECISIONS, key=len)


@pytest.mark.parametrize("method", METHODS, ids=lambda m: m.name)
def test_the_largest_legal_request_of_every_method_is_within_the_limits_and_the_receive_limit(method):
    request = LIMITS.widest(message_factory.GetMessageClass(method.input_type))
    assert LIMITS.refusal(request) is None
    assert request.ByteSize() <= LIMITS.largest_bytes(method.input_type) <= LIMITS.receive_limit([SERVICE_NAME])


@pytest.mark.parametrize("request_", [
    pb.ReportMessageRequest(message_id="m" * 64, reason=LONGEST_REASON, note=" " + "n" * NOTE_MAX + " ",
                            idempotency_key="k" * IDEMPOTENCY_KEY_MAX),
    pb.ReportPersonRequest(room_slug="r" * 64, person_id="{" + "1" * 36 + "}", reason=LONGEST_REASON,
                           note="n" * NOTE_MAX, idempotency_key="k" * IDEMPOTENCY_KEY_MAX),
    pb.DecideCaseRequest(case_id="urn:uuid:" + "1" * 36, decision=LONGEST_DECISION, note="n" * NOTE_MAX,
                         idempotency_key="k" * IDEMPOTENCY_KEY_MAX),
    pb.ListQueueRequest(room_slug="r" * 64, limit=100),
], ids=lambda r: type(r).__name__)
def test_what_the_domain_accepts_at_its_longest_passes_the_edge(request_):
    assert LIMITS.refusal(request_) is None


@pytest.mark.parametrize("request_, field", [
    (pb.ReportMessageRequest(note="n" * (NOTE_MAX + 1)), "note"),
    (pb.ReportMessageRequest(reason="r" * (len(LONGEST_REASON) + 1)), "reason"),
    (pb.DecideCaseRequest(decision="d" * (len(LONGEST_DECISION) + 1)), "decision"),
], ids=lambda r: getattr(r, "DESCRIPTOR", None) and r.DESCRIPTOR.name)
def test_one_character_past_the_domains_rule_is_refused_at_the_edge(request_, field):
    assert LIMITS.refusal(request_).startswith(f"{field} is ")
