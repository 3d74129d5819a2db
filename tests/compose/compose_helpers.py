"""Helpers for tests/compose: docker compose and psql against the stack `make test-compose` brought up."""
import os
import shlex
import subprocess

COMPOSE = shlex.split(os.environ.get("COMPOSE", "docker-compose"))


def compose(*args: str, check: bool = True, timeout: float = 120) -> str:
    result = subprocess.run([*COMPOSE, *args], capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed: {result.stderr}")
    return result.stdout


def psql(sql: str, database: str = "identity", user: str = "postgres") -> str:
    return compose("exec", "-T", "postgres", "psql", "-U", user, "-d", database, "-tAc", sql).strip()
