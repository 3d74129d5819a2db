"""Service layer: how moderation's use cases run a change under an idempotency key (hearth_common.idempotency):
one unit of work that returns a retry's stored answer or makes the effect and remembers it; a twin meeting one of
the named uniqueness rules (the same report, the first case about a person, the same referral) tries once more
and finds what the twin committed."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection

from hearth_common.idempotency import IdempotentCall
from moderation_service.service_layer.unit_of_work import UniqueViolation, UnitOfWork


def run_keyed(uow_factory: Callable[[], UnitOfWork], clock: Callable[[], dt.datetime], call: IdempotentCall,
              effect: Callable[[UnitOfWork, dt.datetime], dict], twin_constraints: Collection[str] = ()) -> dict:
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
            if conflict.constraint not in twin_constraints:
                raise
            return attempt()

    return call.run(twice, uow_factory)
