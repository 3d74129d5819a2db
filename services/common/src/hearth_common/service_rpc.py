"""Cross-cutting: internal RPC between services: which service may call which RPC, which service a broker user
is, and typed clients of the cross-service RPCs whose refusals arrive as common's error categories.

The broker proves who calls: every request carries the AMQP `user_id` property, which RabbitMQ checks against
the user of the connection that published it. The callee maps that user to a service by the naming convention
below and refuses a call the table does not allow; deploy/rabbitmq/make_definitions.py turns the same table into
each user's topic permissions on the RPC exchange, so the broker refuses it first.
"""
from __future__ import annotations

import logging
import re
from typing import Protocol

from hearth_common import errors

# Which RPCs (`<service>.<method>`, nameko's routing keys) each service may call. One table: the callee checks it
# (nameko_deps.ProvenRpc) and the broker enforces it (topic permissions written by make_definitions.py).
RPC_CALLERS: dict[str, tuple[str, ...]] = {
    # GrantRole refuses a room that does not exist; the badge rules ask a session's room for its topic. Its worker's
    # first start: the events of room, moderation and course the badge rules count and it has not seen
    "identity": ("room.get_room", "room.replay_events", "moderation.replay_events", "course.replay_events"),
    # its worker's first start: the events of identity, moderation (sanctions, notices) and course (mentors'
    # reminders) it has not seen
    "room": ("identity.replay_events", "moderation.replay_events", "course.replay_events"),
    # its decisions' removals (and restores of messages hidden pending review), of room messages and course posts;
    # its worker's first start: the events of identity (people), room (messages, members), course (posts) not seen
    "moderation": ("room.remove_message", "room.restore_message", "room.remove_person", "identity.replay_events",
                   "room.replay_events", "course.remove_post", "course.replay_events"),
    # its threads ask who among the people a post, reply or like would reach blocks its author (room keeps the
    # lists). Its worker's first start: the events of identity (people) and room (sessions, for the practicum) it
    # has not seen. No award RPC: identity awards a course's badge by consuming `course_completed` (learn -> earn).
    "course": ("identity.replay_events", "room.replay_events", "room.blockers_of"),
}

# A service's broker user is named after it: `room`, or `room.<anything>` for a further account of the same
# service (a throwaway test user, a second credential while one is rotated).
_BROKER_USER = re.compile(r"^(?P<service>[a-z][a-z0-9]*)(\.[A-Za-z0-9_-]+)?$")
# The default user of a local broker (make run, tests): it proves nothing, so it is a caller only where the
# worker's HEARTH_RPC_LOCAL_CALLER setting says so, and then under this name.
LOCAL_BROKER_USER = "guest"
LOCAL_CALLER = "local-guest"
log = logging.getLogger(__name__)


def service_of_broker_user(user: str | None) -> str | None:
    """The service a broker user belongs to by the naming convention, or None (the local user, an operator)."""
    match = _BROKER_USER.match(user or "")
    if match is None or user == LOCAL_BROKER_USER:
        return None
    return match["service"]


def proven_caller(user_id: str | None, local_allowed: bool) -> str:
    """The calling service, from a request's AMQP user_id (which the broker checked against the publisher's
    connection); PermissionDenied for a request that proves no service. Where `local_allowed` (a worker on a
    local broker), the local user, or a request with no user_id, calls as LOCAL_CALLER."""
    if local_allowed and user_id in (None, "", LOCAL_BROKER_USER):
        return LOCAL_CALLER
    service = service_of_broker_user(user_id)
    if service is None:
        raise errors.PermissionDenied(
            "internal RPC needs the calling service's broker user as the message's user_id"
            + (f"; user {user_id!r} is no service's" if user_id else ""))
    return service


def local_callers_allowed(setting: bool, own_user: str | None) -> bool:
    """Whether a worker lets the local caller in: its HEARTH_RPC_LOCAL_CALLER setting is on and it is itself
    connected as the local broker's default user (make run, tests). On a service's own broker user (a
    deployment) the setting is refused, loudly: there it would let any user without a user_id call anything."""
    if setting and own_user != LOCAL_BROKER_USER:
        log.error("HEARTH_RPC_LOCAL_CALLER ignored: it is for a local broker's %r user only, and this worker is "
                  "connected as %r", LOCAL_BROKER_USER, own_user)
        return False
    return setting


def may_call(caller: str, routing_key: str) -> bool:
    """Whether the table lets service `caller` call the RPC `routing_key`; the local caller may call anything."""
    return caller == LOCAL_CALLER or routing_key in RPC_CALLERS.get(caller, ())


def consumer_of_replay(caller: str, consumer: object = None) -> str:
    """Whose queues a producer's replay_events publishes to: the proven calling service's own. Only the local
    caller (make run, tests on a local broker) names the consumer; a service naming another is refused."""
    if caller == LOCAL_CALLER:
        if not isinstance(consumer, str) or not consumer:
            raise errors.InvalidArgument("consumer (the service whose queues take the replay) is required")
        return consumer
    if consumer not in (None, caller):
        raise errors.PermissionDenied(f"service {caller!r} may ask for a replay to its own queues only, "
                                      f"not {consumer!r}'s")
    return caller


class RpcTransport(Protocol):
    """Sends one RPC and returns its result; raises the remote refusal as its category (errors.NotFound, ...),
    rpc_client.RpcUnavailable (a ConnectionError: a gRPC edge answers UNAVAILABLE) when no worker answers.
    Implemented by rpc_client.RpcClient (any process) and nameko_deps.ServiceRpc (a nameko worker)."""

    def call(self, service: str, method: str, **kwargs): ...


class RoomRpc:
    """room's RPCs for other services."""

    def __init__(self, transport: RpcTransport):
        self.transport = transport

    def get_room(self, slug: str) -> dict:
        """The room as the catalogue shows it; errors.NotFound when there is none."""
        return self.transport.call("room", "get_room", slug=slug)

    def room_exists(self, slug: str) -> bool:
        try:
            self.get_room(slug)
        except errors.NotFound:
            return False
        return True

    def blockers_of(self, author_id: str, person_ids: list[str]) -> set[str]:
        """Those of `person_ids` (at most blocks.ASKED_MAX) who block `author_id`, from each person's own list in
        room (a block, not a mute)."""
        return set(self.transport.call("room", "blockers_of", author_id=author_id, person_ids=list(person_ids)))

    def remove_message(self, message_id: str, moderator_id: str, reason: str = "") -> dict:
        """Removes a message for moderation (idempotent); the message as it now stands."""
        return self.transport.call("room", "remove_message", message_id=message_id, moderator_id=moderator_id,
                                   reason=reason)

    def restore_message(self, message_id: str, moderator_id: str, reason: str = "") -> dict:
        """Undoes a moderation removal (idempotent): the message is back with its body; errors.FailedPrecondition
        for one its author deleted, errors.NotFound for none. The message as it now stands."""
        return self.transport.call("room", "restore_message", message_id=message_id, moderator_id=moderator_id,
                                   reason=reason)

    def remove_person(self, room_slug: str, person_id: str, moderator_id: str, reason: str = "") -> bool:
        """Removes a person from a room for moderation; False when they were not in it."""
        return self.transport.call("room", "remove_person", room_slug=room_slug, person_id=person_id,
                                   moderator_id=moderator_id, reason=reason)


class CourseRpc:
    """course's RPCs for other services."""

    def __init__(self, transport: RpcTransport):
        self.transport = transport

    def remove_post(self, post_id: str, moderator_id: str, reason: str = "") -> dict:
        """Removes a course post for moderation (idempotent); errors.NotFound for none. The post as it now stands
        (`state` removed, or deleted when its author took it down first)."""
        return self.transport.call("course", "remove_post", post_id=post_id, moderator_id=moderator_id,
                                   reason=reason)
