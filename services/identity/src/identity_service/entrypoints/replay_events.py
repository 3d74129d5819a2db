"""Entrypoint: identity-replay-events: publishes identity's past events again, for a consumer added later.

room's read model of people is fed only by identity's events; a room service added to a running platform
(or one whose queues were deleted) missed everything published before its queues existed. Replaying is safe
for every consumer: each claims events by id (and room keeps a seq per fact), so what was had is ignored.
"""
from __future__ import annotations

import argparse
import logging
import sys

from hearth_common.logging import configure_logging, new_request_id, request_id_var
from identity_service import settings as settings_module
from identity_service.bootstrap import build_relay
from identity_service.domain.events import EVENT_TYPES

log = logging.getLogger(__name__)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="identity-replay-events",
        description="Publish identity's already published events again, in order, with their original ids and "
                    "seqs, to the identity.events exchange (consumers ignore what they already had).")
    parser.add_argument("--from-seq", type=int, default=1, metavar="N",
                        help="replay events from this outbox seq on (default 1: all of them)")
    parser.add_argument("--type", dest="types", action="append", choices=EVENT_TYPES, metavar="TYPE",
                        help=f"replay only this event type (repeatable; one of: {', '.join(EVENT_TYPES)})")
    args = parser.parse_args(argv)
    if args.from_seq < 1:
        parser.error("--from-seq must be 1 or more")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = settings_module.load()
    configure_logging("identity", "replay", settings.log_level)
    request_id_var.set(new_request_id())
    try:
        count = build_relay(settings).replay(args.from_seq, args.types)
    except Exception as exc:  # the broker or the database unreachable: say so, and that rerunning is safe
        log.error("replay failed", exc_info=True)
        print(f"identity-replay-events: failed ({exc.__class__.__name__}: {exc}); nothing is lost, run it again",
              file=sys.stderr)
        return 1
    print(f"identity-replay-events: replayed {count} events"
          f"{' of type ' + ', '.join(args.types) if args.types else ''} from seq {args.from_seq}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
