"""Service layer: automod at post time: the read model of moderation's rule set (the worker keeps the highest
version from `automod_rules_changed`) and each process's compiled copy of it, which a post checks against the
version it read with its other facts, so a new set applies to the next post without reading it on every post."""
from __future__ import annotations

import logging
import threading

from hearth_common.automod import DEFAULT_RULE_SET, RuleSet, warm_up
from room_service.domain import automod
from room_service.service_layer.timeline import Transactions
from room_service.service_layer.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


class AutomodRules:
    """The rule set in force, compiled once per version in this process. `for_version(uow, version)`: the
    version a post read (one column of its posting context) is the cache's key; only a different version reads
    the stored set (one row) and compiles it, once, while other posts wait on the lock (a few ms)."""

    def __init__(self, transactions: Transactions):
        self.tx = transactions
        self._current: RuleSet = DEFAULT_RULE_SET
        self._lock = threading.Lock()

    def for_version(self, uow: UnitOfWork, version: int) -> RuleSet:
        current = self._current
        if current.version >= version:  # versions only grow: a post that read an older one races a change
            return current
        with self._lock:
            if self._current.version < version:
                self._current = self._compile(automod.compiled(uow.automod.current()))
            return self._current

    def load(self) -> RuleSet:
        """Compiles the stored set (a serving process calls this once at start, so its first post pays nothing)."""
        with self.tx.begin() as uow:
            return self.for_version(uow, uow.automod.version())

    @staticmethod
    def _compile(rule_set: RuleSet) -> RuleSet:
        warm_up(rule_set)  # builds the matcher now, not on the first message
        log.info("automod rule set in force", extra={"version": rule_set.version, "rules": len(rule_set.rules)})
        return rule_set

    def apply_event(self, envelope: dict) -> bool:
        """Keeps the rule set of one of moderation's `automod_rules_changed` events, once per event id, if it is
        newer than the one kept (a late older version changes nothing). A malformed set is refused
        (InvalidEvent: dead-lettered) before anything is written. Returns whether the event was new."""
        stored = automod.from_event(envelope)
        with self.tx.begin() as uow:
            if not uow.claim_event(envelope):
                return False
            if uow.automod.keep_if_newer(stored):
                log.info("automod rule set received", extra={"version": stored.version})
            self.tx.commit(uow)
            return True
