"""Deploy tooling: writes the broker's definitions (make env) from the operator's `.env` (deploy/make_env.py), to
the file its HEARTH_RABBITMQ_DEFINITIONS names (deploy/rabbitmq/definitions.json, not committed: it holds the
password hashes), which the compose file mounts into the broker.

Each service of hearth_common.service_rpc.RPC_CALLERS gets a user named after it, whose permissions follow from
the naming convention of queues and exchanges (own_names): it configures only its own, publishes to its own and
to the shared RPC exchange, and there (topic permissions) only the RPCs the table lets it call. The exchanges
every service shares are defined here, so no service needs to (or may) declare them.

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
import re
import sys

from hearth_common.service_rpc import RPC_CALLERS

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
ENV_FILE = ROOT / ".env"
VHOST = "hearth"

# Exchanges every service shares: made by these definitions and configurable by no service (configure would let
# one delete them); services bind to them and publish to them only.
SHARED_EXCHANGES = {"nameko-rpc": "topic", "hearth.dead-letter": "direct"}
RPC_EXCHANGE = "nameko-rpc"
DEAD_LETTER_EXCHANGE = "hearth.dead-letter"
# nameko routes replies by a bare uuid (rpc_client does the same): the only routing keys a callee answers on.
REPLY_KEY = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def own_names(service: str) -> str:
    """The exchanges and queues that are `service`'s by the naming convention: `<service>.*` (its events
    exchange, room.live and its replicas' queues), nameko's `rpc-<service>` and `rpc.reply-<service>-<uuid>`, its
    event handlers' `evt-<source>-<type>--<service>.<method>` and their dead-letter queues `dlq.evt-...`."""
    return (rf"{service}\..+|rpc-{service}|rpc\.reply-{service}-.+"
            rf"|(dlq\.)?evt-[a-z0-9_]+-[a-z0-9_]+--{service}\..+")


def service_permissions(service: str, consumed: list[str]) -> tuple[dict, dict]:
    """`service`'s permissions on the vhost and its topic permissions on the RPC exchange, from the convention
    and service_rpc.RPC_CALLERS: configure only its own names; write (publish, bind its queues) its own names and
    the RPC exchange; read (consume, bind to) its own names, the shared exchanges and the events exchanges it
    consumes (`consumed`: it binds its queues to them, never declares them). On the RPC exchange it publishes
    only the RPCs the table lets it call and replies, and binds only its own RPC queue's key and reply keys."""
    own = own_names(service)
    shared = "|".join(re.escape(name) for name in SHARED_EXCHANGES)
    consumed = "".join("|" + re.escape(exchange) for exchange in consumed)
    # Write on the dead-letter exchange: the broker asks for it when a queue naming it as its
    # x-dead-letter-exchange is declared (every reliable event queue), and dead-letters on the queue's behalf.
    permissions = {"configure": f"^({own})$",
                   "write": f"^({own}|{re.escape(RPC_EXCHANGE)}|{re.escape(DEAD_LETTER_EXCHANGE)})$",
                   "read": f"^({own}|{shared}{consumed})$"}
    calls = "".join("|" + re.escape(key) for key in RPC_CALLERS[service])
    topic = {"exchange": RPC_EXCHANGE, "write": f"^({REPLY_KEY}{calls})$",
             "read": f"^({REPLY_KEY}|{re.escape(service + '.*')})$"}
    return permissions, topic


def workers() -> dict[str, type]:
    """service -> its nameko worker class, by the naming convention (`<service>_service.entrypoints.nameko_service`
    holds `<Service>Worker`), for each service of the table that is installed here."""
    found = {}
    for service in RPC_CALLERS:
        try:
            module = importlib.import_module(f"{service}_service.entrypoints.nameko_service")
        except ModuleNotFoundError as exc:
            if exc.name and (exc.name == f"{service}_service" or exc.name.startswith(f"{service}_service.")):
                continue  # a service of the table not built yet (moderation, course)
            raise
        found[service] = getattr(module, f"{service.title()}Worker")
    return found


def consumer_definitions() -> dict:
    """The exchanges, queues and bindings of every consumer's event queues, in definitions.json's format: each
    worker's @reliable_event_handler queues, defined ahead of its first start."""
    from hearth_common.worker import quiet_eventlet

    quiet_eventlet()  # importing the workers imports eventlet
    from hearth_common.nameko_deps import event_consumers

    exchanges, queues, bindings = {}, [], []
    for service, worker in workers().items():
        for c in event_consumers(worker):
            exchanges[c["exchange"]] = {"name": c["exchange"], "vhost": VHOST, "type": "topic", "durable": True,
                                        "auto_delete": False, "internal": False, "arguments": {}}
            queues.append({"name": c["queue"], "vhost": VHOST, "durable": True, "auto_delete": False,
                           "arguments": c["arguments"]})
            bindings.append({"source": c["exchange"], "vhost": VHOST, "destination": c["queue"],
                             "destination_type": "queue", "routing_key": c["routing_key"], "arguments": {}})
    return {"exchanges": sorted(exchanges.values(), key=lambda e: e["name"]), "queues": queues, "bindings": bindings}


def _consumer_of(queue: str) -> str:
    """The service of an event queue: evt-<source>-<type>--<service>.<method> (nameko's name for its handler)."""
    return queue.split("--", 1)[1].split(".", 1)[0]


def _deployed_consumers(consumers: dict, env: dict[str, str]) -> dict:
    def deployed(queue: str) -> bool:
        return f"RABBITMQ_{_consumer_of(queue).upper()}_PASSWORD" in env

    kept = {**consumers,
            "queues": [q for q in consumers.get("queues", []) if deployed(q["name"])],
            "bindings": [b for b in consumers.get("bindings", []) if deployed(b["destination"])]}
    used = {b["source"] for b in kept["bindings"]}
    kept["exchanges"] = [e for e in consumers.get("exchanges", []) if e["name"] in used]
    return kept


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
            raise SystemExit(f"the broker password for {name} is empty: run `make env`")
        return {
            "name": name,
            "password_hash": password_hash(password, salt()),
            "hashing_algorithm": "rabbit_password_hashing_sha256",
            "tags": tags,
        }

    users = [user("hearth-admin", env.get("RABBITMQ_ADMIN_PASSWORD", ""), ["administrator"])]
    permissions = [{"user": "hearth-admin", "vhost": VHOST, "configure": ".*", "write": ".*", "read": ".*"}]
    topic_permissions = []
    consumers = consumer_definitions() if consumers is None else consumers
    # Only the deployed services' event queues (a service is deployed once its password is in .env): a queue of a
    # service installed here but not deployed (a new service before compose has it) would keep every event it
    # binds, for nobody, until the broker's disk alarm.
    consumers = _deployed_consumers(consumers, env)
    consumed: dict[str, set[str]] = {}  # service -> the exchanges its event queues are bound to
    for binding in consumers.get("bindings", []):
        # evt-<source>-<type>--<service>.<method>: nameko's name for an event handler's queue
        consumed.setdefault(_consumer_of(binding["destination"]), set()).add(binding["source"])
    for service in RPC_CALLERS:  # the broker user of each service is named after it (service_rpc)
        if f"RABBITMQ_{service.upper()}_PASSWORD" not in env:
            continue  # no user for a service not deployed: its RPC rights would be a door nobody watches
        users.append(user(service, env[f"RABBITMQ_{service.upper()}_PASSWORD"], []))
        vhost_permissions, topic = service_permissions(service, sorted(consumed.get(service, ())))
        permissions.append({"user": service, "vhost": VHOST, **vhost_permissions})
        topic_permissions.append({"user": service, "vhost": VHOST, **topic})
    shared = [{"name": name, "vhost": VHOST, "type": kind, "durable": True, "auto_delete": False, "internal": False,
               "arguments": {}} for name, kind in SHARED_EXCHANGES.items()]
    exchanges = sorted(shared + consumers.get("exchanges", []), key=lambda e: e["name"])
    return {"users": users, "vhosts": [{"name": VHOST}], "permissions": permissions,
            "topic_permissions": topic_permissions, **consumers, "exchanges": exchanges}


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--consumers"]:  # for checks in processes that should not import the nameko workers
        print(json.dumps(consumer_definitions()))
        return
    env_file = pathlib.Path(argv[0]) if argv else ENV_FILE
    if not env_file.exists():
        raise SystemExit(f"{env_file} does not exist: run `make env`")
    env = read_env(env_file)
    out = ROOT / env.get("HEARTH_RABBITMQ_DEFINITIONS", "deploy/rabbitmq/definitions.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.touch(mode=0o644)  # the broker runs as its own user in the container: it must read the file
    out.write_text(json.dumps(definitions(env), indent=2) + "\n")
    print(f"make env: wrote {out} from {env_file}", file=sys.stderr)


if __name__ == "__main__":
    main()
