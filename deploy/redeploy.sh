#!/usr/bin/env bash
# redeploy.sh "<compose command>" <service>: rebuilds one service's image and replaces its containers alone,
# keeping how many replicas of each process run. Its migrate step runs first; nothing else is touched.
set -euo pipefail
COMPOSE=$1
SERVICE=$2
replicas() { local n; n=$($COMPOSE ps -q "$1" | wc -l); [ "$n" -gt 0 ] && echo "$n" || echo 1; }

grpc_n=$(replicas "$SERVICE-grpc")
worker_n=$(replicas "$SERVICE-worker")
$COMPOSE build "$SERVICE-migrate"
$COMPOSE up -d --no-deps --force-recreate "$SERVICE-migrate"
migrate=$($COMPOSE ps -q "$SERVICE-migrate" | head -n1)
[ -n "$migrate" ] || migrate=$($COMPOSE ps -a -q "$SERVICE-migrate" | head -n1)  # Compose v2 lists running ones only
status=$(docker wait "$migrate")
if [ "$status" != "0" ]; then
  echo "$SERVICE-migrate failed with exit code $status; the running containers were left as they were" >&2
  exit 1
fi
$COMPOSE up -d --no-deps --force-recreate --scale "$SERVICE-worker=$worker_n" "$SERVICE-worker"
$COMPOSE up -d --no-deps --force-recreate --scale "$SERVICE-grpc=$grpc_n" "$SERVICE-grpc"
echo "redeployed $SERVICE: $grpc_n gRPC and $worker_n worker replicas"
