"""Deploy tooling: writes deploy/rabbitmq/definitions.json from deploy/env/rabbitmq.env (make rabbitmq-definitions).

Each service gets a user whose permissions on the `hearth` vhost cover only the exchanges and queues it
uses: its own RPC queue and events exchange, the shared nameko RPC exchange, and (for consumers) its own
event-handler queues and reply queues.

The event queues of every consuming worker (read from its nameko class, as it declares them) are defined
too, bound to their sources' exchanges: the broker creates them when it first starts, so events a service
publishes before a consumer's first start wait for it (identity's bootstrap admin, say, for room).
"""
from __future__ import annotations

import base64
import hashlib
import importlib
import json
import os
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
ENV_FILE = HERE.parent / "env" / "rabbitmq.env"
VHOST = "hearth"

# name -> (configure, write, read) regular expressions on exchange and queue names
SERVICE_PERMISSIONS = {
    "identity": (
        r"^(nameko-rpc|rpc-identity|identity\.events)$",
        r"^(nameko-rpc|rpc-identity|identity\.events)$",
        r"^(nameko-rpc|rpc-identity)$",
    ),
    # room consumes identity's and moderation's events on quorum queues that dead-letter to
    # hearth.dead-letter (nameko (re)declares a source's exchange before binding, which needs configure on
    # it); serves moderation's RPC on rpc-room; publishes its own events on room.events; and fans live
    # timelines out through room.live, one exclusive room.live.<host>.<id> queue per room-grpc replica. Its
    # worker asks identity (and moderation) for a replay on its first start, with replies on its own
    # rpc.reply-room-<id> queue (hearth_common.backfill).
    "room": (
        r"^(evt-(identity|moderation)-[a-z_]+--room\..+|dlq\.evt-(identity|moderation)-[a-z_]+--room\..+"
        r"|hearth\.dead-letter|identity\.events|moderation\.events|nameko-rpc|rpc-room|room\.events"
        r"|room\.live|room\.live\..+|rpc\.reply-room-.+)$",
        r"^(evt-(identity|moderation)-[a-z_]+--room\..+|dlq\.evt-(identity|moderation)-[a-z_]+--room\..+"
        r"|hearth\.dead-letter|nameko-rpc|rpc-room|room\.events|room\.live|room\.live\..+|rpc\.reply-room-.+)$",
        r"^(evt-(identity|moderation)-[a-z_]+--room\..+|dlq\.evt-(identity|moderation)-[a-z_]+--room\..+"
        r"|identity\.events|moderation\.events|hearth\.dead-letter|nameko-rpc|rpc-room|room\.live"
        r"|room\.live\..+|rpc\.reply-room-.+)$",
    ),
}


# service -> its nameko worker class, whose @reliable_event_handler queues are defined ahead of its start
CONSUMERS = {"room": "room_service.entrypoints.nameko_service:RoomWorker"}


def consumer_definitions() -> dict:
    """The exchanges, queues and bindings of every consumer's event queues, in definitions.json's format."""
    from hearth_common.nameko_deps import event_consumers

    exchanges, queues, bindings = {}, [], []
    for service, target in CONSUMERS.items():
        module, _, cls = target.partition(":")
        for c in event_consumers(getattr(importlib.import_module(module), cls)):
            exchanges[c["exchange"]] = {"name": c["exchange"], "vhost": VHOST, "type": "topic", "durable": True,
                                        "auto_delete": False, "internal": False, "arguments": {}}
            queues.append({"name": c["queue"], "vhost": VHOST, "durable": True, "auto_delete": False,
                           "arguments": c["arguments"]})
            bindings.append({"source": c["exchange"], "vhost": VHOST, "destination": c["queue"],
                             "destination_type": "queue", "routing_key": c["routing_key"], "arguments": {}})
    return {"exchanges": sorted(exchanges.values(), key=lambda e: e["name"]), "queues": queues, "bindings": bindings}


def read_env(path: pathlib.Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def password_hash(password: str, salt: bytes) -> str:
    """RabbitMQ's rabbit_password_hashing_sha256: base64(salt + sha256(salt + password))."""
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def check_password(password: str, stored: str) -> bool:
    raw = base64.b64decode(stored)
    return password_hash(password, raw[:4]) == stored


def definitions(env: dict[str, str], salt=lambda: os.urandom(4), consumers: dict | None = None) -> dict:
    def user(name, password, tags):
        if not password:
            raise SystemExit(f"{ENV_FILE}: the password for {name} is empty")
        return {
            "name": name,
            "password_hash": password_hash(password, salt()),
            "hashing_algorithm": "rabbit_password_hashing_sha256",
            "tags": tags,
        }

    users = [user("hearth-admin", env.get("RABBITMQ_ADMIN_PASSWORD", ""), ["administrator"])]
    permissions = [{"user": "hearth-admin", "vhost": VHOST, "configure": ".*", "write": ".*", "read": ".*"}]
    for service, (configure, write, read) in SERVICE_PERMISSIONS.items():
        users.append(user(service, env.get(f"RABBITMQ_{service.upper()}_PASSWORD", ""), []))
        permissions.append({"user": service, "vhost": VHOST, "configure": configure, "write": write, "read": read})
    consumers = consumer_definitions() if consumers is None else consumers
    return {"users": users, "vhosts": [{"name": VHOST}], "permissions": permissions, **consumers}


def main() -> None:
    if sys.argv[1:] == ["--consumers"]:  # for checks in processes that should not import the nameko workers
        print(json.dumps(consumer_definitions()))
        return
    out = HERE / "definitions.json"
    out.write_text(json.dumps(definitions(read_env(ENV_FILE)), indent=2) + "\n")
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
