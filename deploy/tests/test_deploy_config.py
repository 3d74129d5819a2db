"""Deploy checks: the committed RabbitMQ definitions match the env files, the compose file keeps its rules, and
every service's image is built from the one Dockerfile."""
import importlib.util
import json
import pathlib
import re
import subprocess
import sys
import tomllib

import yaml

DEPLOY = pathlib.Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("make_definitions", DEPLOY / "rabbitmq" / "make_definitions.py")
make_definitions = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_definitions)


def test_definitions_match_the_env_passwords():
    env = make_definitions.read_env(DEPLOY / "env" / "rabbitmq.env")
    committed = json.loads((DEPLOY / "rabbitmq" / "definitions.json").read_text())
    script = str(DEPLOY / "rabbitmq" / "make_definitions.py")
    consumers = json.loads(subprocess.run([sys.executable, script, "--consumers"],
                                          check=True, capture_output=True, text=True, timeout=120).stdout)
    fresh = make_definitions.definitions(env, consumers=consumers)
    assert [u["name"] for u in committed["users"]] == [u["name"] for u in fresh["users"]]
    for part in ("permissions", "topic_permissions", "exchanges", "queues", "bindings"):
        assert committed[part] == fresh[part], f"{part} changed: run `make rabbitmq-definitions`"
    passwords = {"hearth-admin": env["RABBITMQ_ADMIN_PASSWORD"]}
    passwords |= {service: env[f"RABBITMQ_{service.upper()}_PASSWORD"] for service in make_definitions.RPC_CALLERS
                  if f"RABBITMQ_{service.upper()}_PASSWORD" in env}
    for user in committed["users"]:
        assert make_definitions.check_password(passwords[user["name"]], user["password_hash"]), (
            f"definitions.json is stale for {user['name']}: run `make rabbitmq-definitions`"
        )


def test_service_credentials_agree_across_env_files():
    postgres = make_definitions.read_env(DEPLOY / "env" / "postgres.env")
    rabbit = make_definitions.read_env(DEPLOY / "env" / "rabbitmq.env")
    for service in ("identity", "room"):
        env = make_definitions.read_env(DEPLOY / "env" / f"{service}.env")
        upper = service.upper()
        assert f"{service}:{postgres[f'{upper}_DB_PASSWORD']}@" in env[f"{upper}_DATABASE_URL"]
        assert f"{service}:{rabbit[f'RABBITMQ_{upper}_PASSWORD']}@" in env[f"{upper}_AMQP_URI"]


def test_compose_publishes_only_grpc_ports_and_avoids_fixed_names():
    compose = yaml.safe_load((DEPLOY.parent / "docker-compose.yml").read_text())
    for name, service in compose["services"].items():
        assert "container_name" not in service and "links" not in service, name
        for port in service.get("ports", []):
            grpc_facing = name.endswith("-grpc") or name == "grpc-lb"  # the replicas, and their load balancer
            assert grpc_facing and str(port).endswith((":50051", ":50052")), f"{name} publishes {port}"
        if name.endswith(("-grpc", "-worker")) or name == "grpc-lb":
            assert "healthcheck" in service and service.get("restart") == "unless-stopped", name


def test_every_service_image_is_built_from_the_one_dockerfile_with_its_name_and_port():
    """docker-compose.yml builds each service's image from services/Dockerfile, naming the service (whose package
    and commands the image installs and runs) and its gRPC port (the one compose publishes)."""
    root = DEPLOY.parent
    compose = yaml.safe_load((root / "docker-compose.yml").read_text())
    build_stage, final_stage = dockerfile_stages(root / "services" / "Dockerfile")
    # An ARG is empty in a stage that does not declare it again.
    assert ("ARG", "SERVICE") in build_stage and {("ARG", "SERVICE"), ("ARG", "GRPC_PORT")} <= set(final_stage)
    assert any(i == "RUN" and '--find-links /wheels "hearth-${SERVICE}"' in a for i, a in build_stage)
    assert ("EXPOSE", "${GRPC_PORT}") in final_stage
    assert any(i == "ENV" and "HEARTH_SERVICE=${SERVICE}" in a for i, a in final_stage)
    assert final_stage[-1] == ("CMD", '["sh", "-c", "exec \\"${HEARTH_SERVICE}-grpc\\""]')
    assert [p.parent.name for p in (root / "services").glob("*/Dockerfile")] == [], "one Dockerfile for all"
    makefile = (root / "Makefile").read_text()
    services = re.search(r"^SERVICES := (.*)$", makefile, re.M).group(1).split()
    built = {}
    for name, service in compose["services"].items():
        if "build" not in service:
            continue
        build, owner = service["build"], name.rsplit("-", 1)[0]
        assert build["context"] == "." and build["dockerfile"] == "services/Dockerfile", name
        assert build["args"]["SERVICE"] == owner and service["image"].startswith(f"hearth/{owner}:"), name
        assert service["command"] == [name], name  # <service>-grpc, -worker, -migrate: the package's commands
        built.setdefault(owner, set()).add(build["args"]["GRPC_PORT"])
        if name.endswith("-grpc"):
            assert [str(p).rsplit(":", 1)[1] for p in service["ports"]] == [build["args"]["GRPC_PORT"]], name
    assert sorted(built) == sorted(services), "every service of the Makefile has its images, and only those"
    for owner, ports in built.items():
        assert len(ports) == 1, f"{owner}'s processes are built with different ports: {ports}"
        project = tomllib.loads((root / "services" / owner / "pyproject.toml").read_text())["project"]
        assert project["name"] == f"hearth-{owner}"  # what `make wheels` builds and the image installs
        assert {f"{owner}-{p}" for p in ("grpc", "worker", "migrate", "healthcheck")} <= set(project["scripts"])


def dockerfile_stages(path: pathlib.Path) -> list[list[tuple[str, str]]]:
    """The instructions of each stage of a Dockerfile, as (INSTRUCTION, arguments), continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", "\n".join(line for line in path.read_text().splitlines()
                                            if not line.lstrip().startswith("#")))
    stages: list[list[tuple[str, str]]] = []
    for line in filter(None, (line.strip() for line in text.splitlines())):
        instruction, _, arguments = line.partition(" ")
        if instruction.upper() == "FROM":
            stages.append([])
        elif stages:
            stages[-1].append((instruction.upper(), arguments.strip()))
    return stages


def every_service_definitions() -> dict:
    """The definitions as they will be once every service of the table is deployed (each with a password), with
    the committed queues: the committed file holds users only for the services deployed now."""
    env = make_definitions.read_env(DEPLOY / "env" / "rabbitmq.env")
    env |= {f"RABBITMQ_{s.upper()}_PASSWORD": f"test-{s}" for s in make_definitions.RPC_CALLERS}
    committed = json.loads((DEPLOY / "rabbitmq" / "definitions.json").read_text())
    return make_definitions.definitions(env, consumers={k: committed[k] for k in ("exchanges", "queues", "bindings")})


def test_only_deployed_services_have_broker_users():
    """A user for a service not deployed yet would hold its RPC rights (moderation's removals, course's badge
    awards) behind an example password nobody rotates."""
    committed = json.loads((DEPLOY / "rabbitmq" / "definitions.json").read_text())
    makefile = (DEPLOY.parent / "Makefile").read_text()
    deployed = re.search(r"^SERVICES := (.*)$", makefile, re.M).group(1).split()
    assert sorted(u["name"] for u in committed["users"]) == sorted(["hearth-admin", *deployed])
    assert make_definitions.definitions({"RABBITMQ_ADMIN_PASSWORD": "a", "RABBITMQ_ROOM_PASSWORD": "r"},
                                        consumers={})["users"][1]["name"] == "room"


def test_each_service_configures_only_the_names_that_are_its_own():
    committed = every_service_definitions()
    configure = {p["user"]: re.compile(p["configure"]) for p in committed["permissions"] if p["user"] != "hearth-admin"}
    assert set(configure) == set(make_definitions.RPC_CALLERS)
    reply = "rpc.reply-{s}-0b6a6c1e-6f0e-4b8e-9d7e-2f1c3a4b5c6d"
    own = ["{s}.events", "rpc-{s}", reply, "evt-identity-badge_awarded--{s}.on_badge_awarded",
           "dlq.evt-moderation-sanction_imposed--{s}.on_sanction_imposed"]
    declared_by_room = [q["name"] for q in committed["queues"]] + ["room.live", "room.live.host-1.0a1b2c3d4e5f"]
    for service, pattern in configure.items():
        names = [n.format(s=service) for n in own] + (declared_by_room if service == "room" else [])
        assert all(pattern.match(name) for name in names), service
        others = [n.format(s=other) for other in configure if other != service for n in own]
        others += [] if service == "room" else declared_by_room
        assert not any(pattern.match(name) for name in others + ["nameko-rpc", "hearth.dead-letter"]), service


def test_on_the_rpc_exchange_each_service_publishes_only_the_calls_the_table_gives_it_and_replies():
    committed = every_service_definitions()
    topics = {t["user"]: t for t in committed["topic_permissions"] if t["exchange"] == "nameko-rpc"}
    every_rpc = {key for keys in make_definitions.RPC_CALLERS.values() for key in keys} | {
        "identity.revoke_badge", "identity.get_person", "room.remove_message"}
    for service, allowed in make_definitions.RPC_CALLERS.items():
        write, read = re.compile(topics[service]["write"]), re.compile(topics[service]["read"])
        assert {key for key in every_rpc if write.match(key)} == set(allowed), service
        assert write.match("0b6a6c1e-6f0e-4b8e-9d7e-2f1c3a4b5c6d")  # replies to a caller's reply queue
        assert read.match(f"{service}.*") and not any(read.match(f"{o}.*") for o in topics if o != service)
