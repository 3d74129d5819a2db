"""Composition root of room: builds the service layer from settings for every entrypoint."""
from __future__ import annotations

from hearth_common.db import make_engine

from room_service.adapters.repository import uow_factory
from room_service.service_layer.services import RoomService
from room_service.settings import Settings


def build_service(settings: Settings, engine=None) -> RoomService:
    return RoomService(uow_factory(engine or make_engine(settings.database_url)))
