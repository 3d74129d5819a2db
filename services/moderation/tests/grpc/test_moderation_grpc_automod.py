"""gRPC: automod's RPCs over a real grpcio server on the real PostgreSQL: who may call each, the statuses of
refusals (INVALID_ARGUMENT naming the field), and what a manager sees."""
import grpc
import pytest
from hearth.moderation.v1 import moderation_pb2 as pb
from moderation_world import OTHER_ROOM, ROOM
from test_moderation_grpc_api import T, md, refused

pytest_plugins = ["test_moderation_grpc_api"]  # its fixtures: service, world, channel, stub


def spec(**change) -> pb.AutomodRuleSpec:
    fields = {"kind": "word", "pattern": "grapes", "action": "flag", "explanation": "No grapes here.",
              "scope": f"room:{ROOM}", "report_reason": "unkind", **change}
    return pb.AutomodRuleSpec(**fields)


def test_each_automod_rpc_refuses_a_caller_without_a_token(stub):
    for call, request in ((stub.ListAutomodRules, pb.ListAutomodRulesRequest()),
                          (stub.CreateAutomodRule, pb.CreateAutomodRuleRequest(rule=spec())),
                          (stub.UpdateAutomodRule, pb.UpdateAutomodRuleRequest(rule_id="x", rule=spec())),
                          (stub.DeleteAutomodRule, pb.DeleteAutomodRuleRequest(rule_id="x")),
                          (stub.TestAutomod, pb.TestAutomodRequest(text="hi", room_slug=ROOM, cohort="adult"))):
        assert refused(call, request).code() == grpc.StatusCode.UNAUTHENTICATED


def test_a_member_is_permission_denied_every_automod_rpc(stub, world):
    member = md(world.member("sam"))
    for call, request in ((stub.ListAutomodRules, pb.ListAutomodRulesRequest()),
                          (stub.CreateAutomodRule, pb.CreateAutomodRuleRequest(rule=spec())),
                          (stub.UpdateAutomodRule, pb.UpdateAutomodRuleRequest(rule_id="default-spam", rule=spec())),
                          (stub.DeleteAutomodRule, pb.DeleteAutomodRuleRequest(rule_id="default-spam")),
                          (stub.TestAutomod, pb.TestAutomodRequest(text="hi", room_slug=ROOM, cohort="adult"))):
        assert refused(call, request, member).code() == grpc.StatusCode.PERMISSION_DENIED


def test_an_admin_manages_rules_in_versions(stub, world):
    admin = md(world.admin())
    listed = stub.ListAutomodRules(pb.ListAutomodRulesRequest(), metadata=admin, timeout=T)
    assert listed.version == 1 and {r.id for r in listed.rules} >= {"default-spam", "default-contact-teen"}
    made = stub.CreateAutomodRule(pb.CreateAutomodRuleRequest(rule=spec(scope="all"), idempotency_key="c-1"),
                                  metadata=admin, timeout=T)
    assert made.version == 2 and made.rule.spec.pattern == "grapes" and made.rule.manageable
    again = stub.CreateAutomodRule(pb.CreateAutomodRuleRequest(rule=spec(scope="all"), idempotency_key="c-1"),
                                   metadata=admin, timeout=T)
    assert again == made
    other = refused(stub.CreateAutomodRule, pb.CreateAutomodRuleRequest(rule=spec(scope="all", pattern="plums"),
                                                                        idempotency_key="c-1"), admin)
    assert other.code() == grpc.StatusCode.FAILED_PRECONDITION
    changed = stub.UpdateAutomodRule(pb.UpdateAutomodRuleRequest(rule_id=made.rule.id, rule=spec(action="censor")),
                                     metadata=admin, timeout=T)
    assert changed.version == 3 and changed.rule.spec.action == "censor"
    deleted = stub.DeleteAutomodRule(pb.DeleteAutomodRuleRequest(rule_id=made.rule.id), metadata=admin, timeout=T)
    assert deleted.version == 4
    missing = refused(stub.DeleteAutomodRule, pb.DeleteAutomodRuleRequest(rule_id=made.rule.id), admin)
    assert missing.code() == grpc.StatusCode.NOT_FOUND
    teen = stub.ListAutomodRules(pb.ListAutomodRulesRequest(scope="cohort:teen"), metadata=admin, timeout=T)
    assert teen.rules and all(r.spec.scope == "cohort:teen" for r in teen.rules)


def test_a_room_moderator_manages_only_their_rooms_rules(stub, world):
    moderator = md(world.moderator("mo", ROOM))
    made = stub.CreateAutomodRule(pb.CreateAutomodRuleRequest(rule=spec()), metadata=moderator, timeout=T)
    assert made.rule.spec.scope == f"room:{ROOM}"
    for scope in ("all", "cohort:adult", f"room:{OTHER_ROOM}"):
        error = refused(stub.CreateAutomodRule, pb.CreateAutomodRuleRequest(rule=spec(scope=scope)), moderator)
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    error = refused(stub.DeleteAutomodRule, pb.DeleteAutomodRuleRequest(rule_id="default-spam"), moderator)
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED


@pytest.mark.parametrize(("change", "field"), [
    ({"kind": "regex", "pattern": "(unclosed"}, "pattern"),
    ({"kind": "regex", "pattern": r"(\w?)*x"}, "pattern"),
    ({"pattern": "x" * 201}, "pattern"),
    ({"kind": "detector", "pattern": "telepathy", "report_reason": ""}, "pattern"),
    ({"action": "explode"}, "action"),
    ({"scope": "planet:mars"}, "scope"),
])
def test_a_rule_that_cannot_be_used_is_invalid_argument_naming_the_field(stub, world, change, field):
    error = refused(stub.CreateAutomodRule, pb.CreateAutomodRuleRequest(rule=spec(**change)), md(world.admin()))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and error.details().startswith(field)


def test_the_test_rpc_says_what_a_text_would_trigger(stub, world):
    moderator = md(world.moderator("mo", ROOM))
    result = stub.TestAutomod(pb.TestAutomodRequest(text="text me on 07700 900123", room_slug=ROOM, cohort="teen"),
                              metadata=moderator, timeout=T)
    assert result.blocked and result.explanations and result.version == 1
    assert {(h.rule_id, h.action, h.source) for h in result.hits} == {("default-contact-teen", "block", "contact")}
    crisis = stub.TestAutomod(pb.TestAutomodRequest(text="take all my sertraline tonight and end it", room_slug=ROOM,
                                                    cohort="teen"), metadata=moderator, timeout=T)
    assert crisis.crisis_tier == "imminent" and "*" in crisis.censored_text
    bad = refused(stub.TestAutomod, pb.TestAutomodRequest(text="hi", room_slug=ROOM, cohort="martian"), moderator)
    assert bad.code() == grpc.StatusCode.INVALID_ARGUMENT and "cohort" in bad.details()


def test_a_retried_update_or_delete_with_its_idempotency_key_answers_as_the_first(stub, world):
    admin = md(world.admin())
    made = stub.CreateAutomodRule(pb.CreateAutomodRuleRequest(rule=spec(scope="all")), metadata=admin, timeout=T)
    update = pb.UpdateAutomodRuleRequest(rule_id=made.rule.id, rule=spec(scope="all", action="censor"),
                                         idempotency_key="u-1")
    changed = stub.UpdateAutomodRule(update, metadata=admin, timeout=T)
    assert stub.UpdateAutomodRule(update, metadata=admin, timeout=T) == changed
    delete = pb.DeleteAutomodRuleRequest(rule_id=made.rule.id, idempotency_key="d-1")
    deleted = stub.DeleteAutomodRule(delete, metadata=admin, timeout=T)
    assert stub.DeleteAutomodRule(delete, metadata=admin, timeout=T) == deleted  # not NOT_FOUND
    other = refused(stub.DeleteAutomodRule, pb.DeleteAutomodRuleRequest(rule_id="default-spam", idempotency_key="d-1"),
                    admin)
    assert other.code() == grpc.StatusCode.FAILED_PRECONDITION
