"""Service layer: one keyed transaction, the way moderation's use cases run a state change: in a unit of work,
honouring the idempotency key (hearth_common.idempotency), and tried once more when a twin met one of the named
uniqueness rules first (the second attempt then finds what the twin committed)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from hearth_common.idempotency import IdempotentCall
from moderation_service.service_layer.unit_of_work import UniqueViolation, UnitOfWork


def run_keyed(uow_factory: Callable[[], UnitOfWork], clock: Callable[[], dt.datetime], call: IdempotentCall,
              effect: Callable[[UnitOfWork, dt.datetime], dict], retry_on: Iterable[str] = ()) -> dict:
    """`effect(uow, now)` in a unit of work committed with the call's record; its result, or a retry's stored one."""
    retry_on = frozenset(retry_on)

    def attempt() -> dict:
        with uow_factory() as uow:
            if (stored := call.stored(uow.idempotency)) is not None:
                return stored
            now = clock()
            result = call.remember(uow.idempotency, effect(uow, now), now)
            uow.commit()
            return result

    def twice() -> dict:
        try:
            return attempt()
        except UniqueViolation as conflict:
            if conflict.constraint not in retry_on:
                raise
            return attempt()

    return call.run(twice, uow_factory)
