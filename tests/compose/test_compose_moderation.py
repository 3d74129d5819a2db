"""Compose: moderation runs in the stack (its own database, broker user and images) and answers through grpc-lb,
verifying the tokens identity signs."""
import os

import grpc
import pytest
from compose_helpers import psql
from hearth.identity.v1 import identity_pb2 as pb
from hearth.identity.v1 import identity_pb2_grpc
from hearth.moderation.v1 import moderation_pb2 as mpb
from hearth.moderation.v1 import moderation_pb2_grpc

from hearth_common.clients.channel import open_channel

T = 10


def lb(variable: str, default: str) -> grpc.Channel:
    return open_channel([f"127.0.0.1:{os.environ.get(variable, default)}"])


def test_moderation_answers_through_the_load_balancer_with_identity_tokens():
    with lb("IDENTITY_GRPC_LB_HOST_PORT", "15050") as identity, lb("MODERATION_GRPC_LB_HOST_PORT", "15070") as mod:
        token = identity_pb2_grpc.IdentityServiceStub(identity).Login(
            pb.LoginRequest(username="admin", password=os.environ.get("IDENTITY_BOOTSTRAP_ADMIN_PASSWORD", "")),
            timeout=T).tokens.access_token
        moderation = moderation_pb2_grpc.ModerationServiceStub(mod)
        reasons = moderation.ListReportReasons(mpb.ListReportReasonsRequest(), timeout=T,
                                               metadata=[("authorization", f"Bearer {token}")]).reasons
        assert len(reasons) >= 9  # the taxonomy of issue 14
        queue = moderation.ListQueue(mpb.ListQueueRequest(), timeout=T, metadata=[("authorization", f"Bearer {token}")])
        assert list(queue.cases) == []  # a fresh stack: nothing reported
        try:
            moderation.ListReportReasons(mpb.ListReportReasonsRequest(), timeout=T)
            raise AssertionError("a call without a token was answered")
        except grpc.RpcError as exc:
            assert exc.code() == grpc.StatusCode.UNAUTHENTICATED


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET reason = 'x'", "DELETE FROM audit_log",
                                       "TRUNCATE audit_log", "ALTER TABLE audit_log DISABLE TRIGGER ALL",
                                       "DROP TRIGGER audit_log_no_update_or_delete ON audit_log",
                                       "DROP TABLE audit_log"])
def test_the_role_moderation_runs_as_owns_nothing_and_cannot_touch_the_audit_log(statement):
    """moderation-migrate ran as moderation_owner; moderation-grpc and -worker connect as moderation, which migration
    0011 granted only SELECT and INSERT on the audit log (issue 14, section 6)."""
    owners = psql("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'", database="moderation")
    assert owners.split() == ["moderation_owner"]
    grants = psql("SELECT string_agg(privilege_type, ',' ORDER BY privilege_type) FROM "
                  "information_schema.role_table_grants WHERE table_name = 'audit_log' AND grantee = 'moderation'",
                  database="moderation")
    assert grants == "INSERT,SELECT"
    with pytest.raises(AssertionError, match="permission denied|must be owner"):
        psql(f"BEGIN; {statement}; ROLLBACK", database="moderation", user="moderation")
