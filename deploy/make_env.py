"""Deploy tooling: writes the operator's settings file, `.env` at the repository root (make env).

Docker compose reads `.env` by itself: every password, passphrase, image and host port the compose file
interpolates (`${VAR}`) is here and nowhere else. Secrets are generated (secrets.token_urlsafe: URL-safe, so
they go into database URLs and AMQP URIs unquoted). The file is written once: a variable already in it is
never overwritten; one missing (a new service's, or one an operator deleted to rotate it) is added. Standard
library only (runs before the virtual environment exists).

    python3 deploy/make_env.py [--env-file .env] [--services identity room ...] [--local-images] [--set KEY=VALUE]

The services default to those the Makefile deploys (its `SERVICES :=` line), so a service added there gets its
secrets wherever this runs (make env, deploy/compose-test.sh).
"""
from __future__ import annotations

import argparse
import os
import pathlib
import re
import secrets
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SECRET_BYTES = 32  # token_urlsafe(32): 43 characters of [A-Za-z0-9_-]

# Secrets a service needs besides its database and broker passwords (which every service has).
# COURSE_CERTIFICATE_KEY: token_urlsafe(32) is 32 random bytes in base64url, the raw Ed25519 key course reads.
SERVICE_SECRETS = {"identity": ["IDENTITY_KEY_PASSPHRASE", "IDENTITY_BOOTSTRAP_ADMIN_PASSWORD"],
                   "course": ["COURSE_CERTIFICATE_KEY"]}
# Services whose database is owned by a role of its own, `<service>_owner`, which only `<service>-migrate` connects
# as (<SERVICE>_MIGRATE_DATABASE_URL), while the gRPC server and the worker connect as `<service>`, which owns
# nothing (deploy/postgres/init/10-service-databases.sh): its password is <SERVICE>_OWNER_DB_PASSWORD.
SEPARATE_OWNER = ("moderation",)
PUBLIC_IMAGES = {"PYTHON_BASE_IMAGE": "python:3.11-slim-bookworm", "POSTGRES_IMAGE": "postgres:15",
                 "RABBITMQ_IMAGE": "rabbitmq:3.13", "HAPROXY_IMAGE": "haproxy:2.6"}
LOCAL_IMAGES = {"PYTHON_BASE_IMAGE": "hearth/python-base:bookworm", "POSTGRES_IMAGE": "hearth/postgres:15",
                "RABBITMQ_IMAGE": "hearth/rabbitmq:3", "HAPROXY_IMAGE": "hearth/haproxy:2.6"}
# Host ports of each service's entry point on grpc-lb, and of the gRPC replicas (one per replica): clear of
# gRPC's usual 50051 and of `make run`'s ports.
PORTS = {"IDENTITY_GRPC_LB_HOST_PORT": "15050", "ROOM_GRPC_LB_HOST_PORT": "15060",
         "MODERATION_GRPC_LB_HOST_PORT": "15070", "COURSE_GRPC_LB_HOST_PORT": "15080",
         "IDENTITY_GRPC_HOST_PORTS": "15051-15054", "ROOM_GRPC_HOST_PORTS": "15061-15064",
         "MODERATION_GRPC_HOST_PORTS": "15071-15074", "COURSE_GRPC_HOST_PORTS": "15081-15084"}


def secret_names(services: list[str]) -> list[str]:
    """Every password and passphrase of the stack: the PostgreSQL superuser's, the broker operator's, each
    service's database and broker user's, its database owner's (SEPARATE_OWNER), and the service's own
    (SERVICE_SECRETS)."""
    names = ["POSTGRES_PASSWORD", "RABBITMQ_ADMIN_PASSWORD"]
    for service in services:
        names += [f"{service.upper()}_DB_PASSWORD", f"RABBITMQ_{service.upper()}_PASSWORD"]
        names += [f"{service.upper()}_OWNER_DB_PASSWORD"] if service in SEPARATE_OWNER else []
        names += SERVICE_SECRETS.get(service, [])
    return names


def settings(services: list[str], local_images: bool) -> list[tuple[str, str, str]]:
    """(section comment, name, value) of every variable, secrets freshly generated."""
    rows = [("Secrets (generated; README, 'Configuration', says how to rotate one)", name,
             secrets.token_urlsafe(SECRET_BYTES)) for name in secret_names(services)]
    images = LOCAL_IMAGES if local_images else PUBLIC_IMAGES
    rows += [("Images (LOCAL_IMAGES=1: built here by `make images`)", name, value) for name, value in images.items()]
    rows += [("Images (LOCAL_IMAGES=1: built here by `make images`)", "HEARTH_TAG", "dev")]
    if local_images:  # Debian's docker.io has no buildx: the legacy builder
        rows += [("Images (LOCAL_IMAGES=1: built here by `make images`)", name, "0")
                 for name in ("DOCKER_BUILDKIT", "COMPOSE_DOCKER_CLI_BUILD")]
    rows += [("Host ports: grpc-lb's entry points and the gRPC replicas", name, value) for name, value in PORTS.items()]
    rows += [("The broker's users and permissions, generated from this file by `make env`",
              "HEARTH_RABBITMQ_DEFINITIONS", "./deploy/rabbitmq/definitions.json")]
    return rows


def read_env(path: pathlib.Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines() if path.exists() else []:
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def write_env(path: pathlib.Path, services: list[str], local_images: bool, overrides: dict[str, str]) -> list[str]:
    """Adds to `path` every variable it lacks (all of them when it does not exist); returns the names added."""
    existing = read_env(path)
    text = path.read_text() if path.exists() else (
        "# Hearth's operator settings, read by docker compose (and make). Written by `make env`, which never\n"
        "# overwrites a value here: delete a line and run `make env` to generate it again. Keep this file secret.\n")
    added, section = [], None
    for comment, name, value in settings(services, local_images):
        if name in existing:
            continue
        if comment != section:
            text += ("" if text.endswith("\n") else "\n") + f"\n# {comment}\n"
            section = comment
        text += f"{name}={overrides.get(name, value)}\n"
        added.append(name)
    if added:
        path.touch(mode=0o600)
        path.write_text(text)
        path.chmod(0o600)  # touch's mode applies only to a file it creates
    local = LOCAL_IMAGES["POSTGRES_IMAGE"]
    if local_images and existing.get("POSTGRES_IMAGE", local) != local:
        print(f"make env: {path} names the public images; edit its *_IMAGE lines for LOCAL_IMAGES=1", file=sys.stderr)
    return added


def deployed_services() -> list[str]:
    """The services the Makefile deploys (`SERVICES := identity room ...`)."""
    line = re.search(r"^SERVICES := (.*)$", (ROOT / "Makefile").read_text(), re.M)
    if line is None:
        raise SystemExit("make env: no 'SERVICES :=' line in the Makefile; pass --services")
    return line.group(1).split()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env-file", default=str(ROOT / ".env"))
    parser.add_argument("--services", nargs="+", default=None, help="default: the Makefile's SERVICES")
    parser.add_argument("--local-images", action="store_true", default=os.environ.get("LOCAL_IMAGES") == "1")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a value to write instead of the generated one (for a variable not in the file yet)")
    args = parser.parse_args(argv)
    overrides = dict(item.split("=", 1) for item in args.set)
    path = pathlib.Path(args.env_file)
    added = write_env(path, args.services or deployed_services(), args.local_images, overrides)
    print(f"make env: {path}: " + (f"added {', '.join(added)}" if added else "unchanged (every variable set)"),
          file=sys.stderr)


if __name__ == "__main__":
    main()
