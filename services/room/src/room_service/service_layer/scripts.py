"""Service layer: the library of facilitation scripts: listed and read by anyone signed in, kept by admins, seeded."""
from __future__ import annotations

from collections.abc import Iterable

from hearth_common.text import shown
from room_service.domain import errors
from room_service.domain import scripts as rules
from room_service.domain.scripts import Script, script_from
from room_service.service_layer.access import require_admin
from room_service.service_layer.timeline import Transactions
from room_service.service_layer.unit_of_work import UnitOfWork
from room_service.service_layer.views import script_view


def find_script(uow: UnitOfWork, script_id: str) -> Script:
    """The script, or UnknownScript (INVALID_ARGUMENT) naming it: a session asked for it."""
    script = uow.scripts.get(script_id)
    if script is None:
        raise errors.UnknownScript(f"there is no facilitation script {shown(script_id)}; ListScripts shows them")
    return script


class Scripts:
    """Reading and keeping the script library."""

    def __init__(self, transactions: Transactions):
        self.tx = transactions

    def list(self, session_type: str = "", cohort: str = "") -> list[dict]:
        """Scripts by title, of one session type and for one cohort's rooms (each empty: all)."""
        if session_type and session_type not in rules.SESSION_TYPES:
            raise errors.InvalidScript(f"session_type must be empty or one of {', '.join(rules.SESSION_TYPES)}")
        if cohort and cohort not in rules.AUDIENCES:
            raise errors.InvalidScript(f"cohort must be empty or one of {', '.join(rules.AUDIENCES)}")
        with self.tx.begin() as uow:
            found = uow.scripts.list(session_type or None, None if cohort in ("", rules.ANY_AUDIENCE) else cohort)
            return [script_view(script) for script in found]

    def get(self, script_id: str) -> dict:
        with self.tx.begin() as uow:
            script = uow.scripts.get(script_id)
            if script is None:
                raise errors.ScriptNotFound(f"there is no facilitation script {shown(script_id)}")
            return script_view(script)

    def put(self, actor_id: str, spec: dict) -> dict:
        """An admin adds a script, or replaces the one with its id (sessions that used it keep its id)."""
        now = self.tx.clock()
        script = script_from(spec, actor_id, now)
        with self.tx.begin() as uow:
            require_admin(uow, actor_id, now, "add or change facilitation scripts")
            created = uow.scripts.put(script)
            self.tx.commit(uow)
            return script_view(script) | {"created": created}

    def seed(self, scripts: Iterable[Script]) -> int:
        """Adds the seeded scripts that are missing (an admin's later edit of one is kept); returns how many."""
        with self.tx.begin() as uow:
            added = sum(uow.scripts.add_if_missing(script) for script in scripts)
            self.tx.commit(uow)
            return added
