#!/usr/bin/env bash
# Prints the compose command this machine has: `docker compose` (v2) or `docker-compose` (v1).
if docker compose version >/dev/null 2>&1; then echo "docker compose"; else echo "docker-compose"; fi
