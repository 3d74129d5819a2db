"""Entrypoint: room's nameko worker: keeps the read model of people from identity's events."""
from __future__ import annotations

import functools

from hearth_common.db import db_ping, make_engine
from hearth_common.nameko_deps import Heartbeat, RequestContext, Resource, amqp_ping, reliable_event_handler

from room_service import settings as settings_module
from room_service.bootstrap import build_service

settings = settings_module.load()


@functools.cache
def _engine():
    return make_engine(settings.database_url)


class RoomWorker:
    """nameko service `room`."""

    name = "room"

    request_id = RequestContext()
    rooms = Resource(lambda config: build_service(settings, _engine()))
    heartbeat = Heartbeat(
        settings.worker_heartbeat_file, lambda config: db_ping(_engine()) and amqp_ping(config["AMQP_URI"])
    )

    @reliable_event_handler("identity", "person_registered")
    def on_person_registered(self, envelope):
        self.rooms.apply_identity_event(envelope)

    @reliable_event_handler("identity", "cohort_changed")
    def on_cohort_changed(self, envelope):
        self.rooms.apply_identity_event(envelope)

    @reliable_event_handler("identity", "badge_awarded")
    def on_badge_awarded(self, envelope):
        self.rooms.apply_identity_event(envelope)

    @reliable_event_handler("identity", "badge_revoked")
    def on_badge_revoked(self, envelope):
        self.rooms.apply_identity_event(envelope)

    @reliable_event_handler("identity", "role_granted")
    def on_role_granted(self, envelope):
        self.rooms.apply_identity_event(envelope)

    @reliable_event_handler("identity", "role_revoked")
    def on_role_revoked(self, envelope):
        self.rooms.apply_identity_event(envelope)
