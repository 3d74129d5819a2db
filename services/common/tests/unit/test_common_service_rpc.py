"""Unit: who calls an internal RPC (the broker user's service), what the table lets it call, and the typed clients."""
import pytest

from hearth_common import errors
from hearth_common.rpc_client import RpcUnavailable
from hearth_common.service_rpc import (
    LOCAL_CALLER,
    RPC_CALLERS,
    CourseRpc,
    RoomRpc,
    may_call,
    proven_caller,
    service_of_broker_user,
)


@pytest.mark.parametrize("user, service", [
    ("room", "room"), ("moderation", "moderation"), ("course.test-3f2a", "course"), ("identity.rotated_2", "identity"),
    ("guest", None), ("hearth-admin", None), ("", None), (None, None), ("Room", None), ("room.", None),
    ("room.a b", None),
])
def test_a_broker_user_belongs_to_the_service_it_is_named_after(user, service):
    assert service_of_broker_user(user) == service


def test_the_caller_is_the_service_of_the_user_the_broker_checked():
    assert proven_caller("moderation", local_allowed=False) == "moderation"
    assert proven_caller("course.test-1", local_allowed=True) == "course"


@pytest.mark.parametrize("user_id", [None, "", "guest", "hearth-admin", "Someone Else"])
def test_a_request_proving_no_service_is_refused(user_id):
    with pytest.raises(errors.PermissionDenied, match="user_id"):
        proven_caller(user_id, local_allowed=False)


def test_the_local_user_or_no_user_id_is_the_local_caller_only_where_allowed():
    assert proven_caller(None, local_allowed=True) == LOCAL_CALLER
    assert proven_caller("guest", local_allowed=True) == LOCAL_CALLER
    with pytest.raises(errors.PermissionDenied):
        proven_caller("hearth-admin", local_allowed=True)  # an operator's user is still no service


def test_the_table_decides_which_service_calls_which_rpc():
    assert may_call("moderation", "room.remove_message") and may_call("moderation", "room.remove_person")
    assert may_call("course", "room.replay_events") and may_call("identity", "room.get_room")
    assert not may_call("course", "identity.award_badge")  # identity awards on course_completed instead
    assert not may_call("room", "identity.award_badge")
    assert not may_call("moderation", "identity.award_badge")
    assert not may_call("course", "identity.revoke_badge")
    assert not may_call("identity", "identity.award_badge")  # not even itself
    assert not may_call("nosuchservice", "room.get_room")
    assert may_call(LOCAL_CALLER, "identity.revoke_badge")
    assert all("." in key for keys in RPC_CALLERS.values() for key in keys)


class Transport:
    """Records calls; answers with `result` or raises `error`."""

    def __init__(self, result=None, error=None):
        self.calls, self.result, self.error = [], result, error

    def call(self, service, method, **kwargs):
        self.calls.append((service, method, kwargs))
        if self.error is not None:
            raise self.error
        return self.result


def test_the_clients_send_each_rpc_with_its_arguments():
    transport = Transport(result={"id": "a1"})
    assert RoomRpc(transport).remove_message("m1", "mod1", "rule 3") == {"id": "a1"}
    RoomRpc(transport).remove_person("lounge", "p1", "mod1")
    assert transport.calls == [
        ("room", "remove_message", {"message_id": "m1", "moderator_id": "mod1", "reason": "rule 3"}),
        ("room", "remove_person", {"room_slug": "lounge", "person_id": "p1", "moderator_id": "mod1", "reason": ""}),
    ]


def test_room_exists_is_false_only_when_room_says_not_found():
    assert RoomRpc(Transport(result={"slug": "lounge"})).room_exists("lounge") is True
    assert RoomRpc(Transport(error=errors.NotFound("no room"))).room_exists("typo") is False
    with pytest.raises(RpcUnavailable):  # room could not be asked: not an answer
        RoomRpc(Transport(error=RpcUnavailable("no room worker"))).room_exists("lounge")
    with pytest.raises(errors.PermissionDenied):
        RoomRpc(Transport(error=errors.PermissionDenied("not yours"))).room_exists("lounge")


def test_unavailable_is_a_connection_error_so_grpc_edges_answer_unavailable():
    assert issubclass(RpcUnavailable, ConnectionError)


@pytest.mark.parametrize("cls", errors.CATEGORIES, ids=lambda c: c.__name__)
def test_a_remote_category_comes_back_as_that_category(cls):
    refusal = errors.from_remote(cls.__name__, "no such room")
    assert type(refusal) is cls and refusal.message == "no such room"


@pytest.mark.parametrize("exc_type", ["KeyError", "RoomNotFound", "DomainError", "", None])
def test_a_remote_error_of_no_category_is_not_mapped(exc_type):
    assert errors.from_remote(exc_type, "boom") is None


def test_a_replay_goes_to_the_proven_callers_queues_and_only_the_local_caller_names_another():
    from hearth_common.service_rpc import LOCAL_CALLER, consumer_of_replay

    assert consumer_of_replay("room") == "room"
    assert consumer_of_replay("room", "room") == "room"
    with pytest.raises(errors.PermissionDenied, match="'room' may ask for a replay to its own queues only"):
        consumer_of_replay("room", "moderation")
    assert consumer_of_replay(LOCAL_CALLER, "room") == "room"
    with pytest.raises(errors.InvalidArgument, match="consumer"):
        consumer_of_replay(LOCAL_CALLER)


def test_the_local_caller_is_let_in_only_by_a_worker_on_the_local_brokers_own_user(caplog):
    from hearth_common.service_rpc import local_callers_allowed

    assert local_callers_allowed(True, "guest") is True
    assert local_callers_allowed(False, "guest") is False
    assert local_callers_allowed(False, "room") is False
    assert local_callers_allowed(True, "room") is False  # a deployment: the setting is refused, loudly
    assert "HEARTH_RPC_LOCAL_CALLER ignored" in caplog.text


def test_course_rpc_sends_remove_post_which_moderation_may_call():
    transport = Transport(result={"post_id": "p1", "state": "removed"})
    assert CourseRpc(transport).remove_post("p1", "mod1", "rule 3") == {"post_id": "p1", "state": "removed"}
    assert transport.calls == [("course", "remove_post", {"post_id": "p1", "moderator_id": "mod1",
                                                          "reason": "rule 3"})]
    assert may_call("moderation", "course.remove_post") and not may_call("room", "course.remove_post")


def test_room_rpc_asks_who_blocks_an_author_which_course_alone_may_call():
    transport = Transport(result=["p2"])
    assert RoomRpc(transport).blockers_of("p1", ("p2", "p3")) == {"p2"}
    assert transport.calls == [("room", "blockers_of", {"author_id": "p1", "person_ids": ["p2", "p3"]})]
    assert may_call("course", "room.blockers_of")
    assert not any(may_call(service, "room.blockers_of") for service in ("identity", "moderation", "room"))


class SlowClient:
    """A client whose calls wait until `release` is set; counts the calls in flight at once."""

    def __init__(self, pool_state):
        self.state = pool_state

    def call(self, service, method, **kwargs):
        with self.state["lock"]:
            self.state["in_flight"] += 1
            self.state["most"] = max(self.state["most"], self.state["in_flight"])
        self.state["release"].wait(5)
        with self.state["lock"]:
            self.state["in_flight"] -= 1
        return kwargs["n"]

    def close(self):
        self.state["closed"] += 1


def test_a_pool_lets_calls_run_side_by_side_up_to_its_size_and_reuses_its_clients():
    import threading

    from hearth_common.rpc_client import RpcClientPool, RpcTimeout

    state = {"lock": threading.Lock(), "in_flight": 0, "most": 0, "closed": 0, "release": threading.Event()}
    made = []
    pool = RpcClientPool(lambda: made.append(SlowClient(state)) or made[-1], size=3, wait=0.2)
    results = []
    threads = [threading.Thread(target=lambda n=n: results.append(pool.call("room", "blockers_of", n=n)))
               for n in range(3)]
    for t in threads:
        t.start()
    while state["in_flight"] < 3:  # three calls at once: none waits for another's answer
        threading.Event().wait(0.01)
    with pytest.raises(RpcTimeout, match="busy"):  # a fourth finds every client busy: refused after `wait`
        pool.call("room", "blockers_of", n=3)
    state["release"].set()
    for t in threads:
        t.join()
    assert sorted(results) == [0, 1, 2] and state["most"] == 3
    assert pool.call("room", "blockers_of", n=4) == 4 and len(made) == 3  # an idle client is reused
    pool.close()
    assert state["closed"] == 3
