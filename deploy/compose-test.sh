#!/usr/bin/env bash
# make test-compose: builds the real images from Debian-based local bases, brings up the real docker-compose.yml
# (scaled to two gRPC and two worker replicas of identity and room, two gRPC replicas of course), waits for
# health, runs tests/compose from the host, and always tears everything down. Prints how long it took.
# tests/compose includes fault cases under a small load (worker and replica SIGKILL, broker and database restarts,
# a rolling redeploy), each printing what it measured and how long it took ("[fault case]" lines).
# COMPOSE_TESTS runs a part of tests/compose instead (pytest's arguments, e.g.
# COMPOSE_TESTS=tests/compose/test_compose_moderation_scenarios.py); COMPOSE_PROJECT_NAME a stack of another name.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

export COMPOSE_PROJECT_NAME=${COMPOSE_PROJECT_NAME:-hearthci}
# How long each step may take before the run fails with the containers' logs (a hung `up` once ate CI's 90 minutes).
UP_TIMEOUT=${UP_TIMEOUT:-600}
TESTS_TIMEOUT=${TESTS_TIMEOUT:-2400}
# One run at a time per project name: a second run (CI starting while a developer's run is still going) waits for
# the first to finish instead of recreating its containers under it; a killed run's leftovers are removed below.
LOCK_FILE=${LOCK_FILE:-/tmp/hearth-compose-$COMPOSE_PROJECT_NAME.lock}
exec 9>"$LOCK_FILE"
if ! flock -n 9; then
  echo "another compose test of project $COMPOSE_PROJECT_NAME is running; waiting for it (at most 40 min)" >&2
  flock -w 2400 9 || { echo "gave up waiting for $LOCK_FILE" >&2; exit 1; }
fi
PY=${PY:-.venv/bin/python}
LOG_DIR=${LOG_DIR:-/tmp/hearth-compose-logs}
# The stack's settings: an env file of its own, written as `make env` writes .env (fresh secrets every run; the
# local base images; the broker definitions beside it), then exported, so every compose command here and in
# tests/compose reads them whatever .env this checkout holds. The images and tag may be given from outside, and
# HOST_PORT_OFFSET moves every published host port (grpc-lb's and the replicas') by that much, so that a second
# stack (another COMPOSE_PROJECT_NAME, e.g. with HOST_PORT_OFFSET=1000) can run beside the first one.
ENV_DIR=$(mktemp -d /tmp/hearth-compose-env.XXXXXX)
port_args=()
if [ "${HOST_PORT_OFFSET:-0}" != 0 ]; then
  while IFS='=' read -r name value; do
    low=${value%-*}; high=${value#*-}
    port_args+=(--set "$name=$((low + HOST_PORT_OFFSET))$([ "$low" = "$high" ] || echo "-$((high + HOST_PORT_OFFSET))")")
  done < <(python3 -c 'import sys; sys.path.insert(0, "deploy"); import make_env
for k, v in make_env.PORTS.items(): print(f"{k}={v}")')
fi
python3 deploy/make_env.py --env-file "$ENV_DIR/.env" --local-images "${port_args[@]}" \
  --set PYTHON_BASE_IMAGE="${PYTHON_BASE_IMAGE:-hearth/python-base:bookworm}" \
  --set POSTGRES_IMAGE="${POSTGRES_IMAGE:-hearth/postgres:15}" --set RABBITMQ_IMAGE="${RABBITMQ_IMAGE:-hearth/rabbitmq:3}" \
  --set HAPROXY_IMAGE="${HAPROXY_IMAGE:-hearth/haproxy:2.6}" \
  --set HEARTH_TAG="${HEARTH_TAG:-ci}" --set HEARTH_RABBITMQ_DEFINITIONS="$ENV_DIR/definitions.json"
set -a; . "$ENV_DIR/.env"; set +a

log() { printf '\n== [%4ss] %s\n' "$(( $(date +%s) - started ))" "$*"; }

log "docker engine"
bash deploy/images/ensure-docker.sh 9>&-  # a dockerd it starts must not hold the run's lock
COMPOSE=${COMPOSE:-$(deploy/compose-cli.sh)}

log "base images from Debian packages"
bash deploy/images/build-base-images.sh

log "wheels"
make --no-print-directory wheels

log "broker definitions from the stack's env file"
$PY deploy/rabbitmq/make_definitions.py "$ENV_DIR/.env"

teardown() {
  status=$?
  mkdir -p "$LOG_DIR"
  timeout 120 $COMPOSE logs --no-color > "$LOG_DIR/compose.log" 2>&1 || true
  if [ "$status" -ne 0 ]; then
    echo "compose test failed; container logs are in $LOG_DIR/compose.log (last lines below)" >&2
    tail -n 80 "$LOG_DIR/compose.log" >&2 || true
  fi
  log "tearing down"
  timeout 300 $COMPOSE down --volumes --remove-orphans --timeout 20 >/dev/null 2>&1 || true
  rm -rf "$ENV_DIR"
  log "compose test finished with status $status in $(( $(date +%s) - started )) s"
  exit "$status"
}
trap teardown EXIT
# Stopped from outside (CI's time limit, Ctrl-C): tear down and report failure, never "status 0".
trap 'exit 143' TERM
trap 'exit 130' INT

log "removing what an earlier run of project $COMPOSE_PROJECT_NAME left behind"
$COMPOSE down --volumes --remove-orphans --timeout 10 >/dev/null 2>&1 || true

log "building service images"
$COMPOSE build

log "bringing the stack up (2 gRPC and 2 worker replicas of identity and room, 2 gRPC replicas of course)"
timeout "$UP_TIMEOUT" $COMPOSE up -d --scale identity-grpc=2 --scale identity-worker=2 --scale room-grpc=2 \
  --scale room-worker=2 --scale course-grpc=2

log "waiting for every container to be healthy"
bash deploy/wait-healthy.sh "$COMPOSE" 300

log "end-to-end scenario from the host"
COMPOSE="$COMPOSE" timeout "$TESTS_TIMEOUT" $PY -m pytest -p no:pytest_nameko -p no:cacheprovider \
  ${COMPOSE_TESTS:-tests/compose} -q
