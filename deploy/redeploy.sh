#!/usr/bin/env bash
# redeploy.sh "<compose command>" <service>: rebuilds one service's image and replaces its containers one at a
# time (a rolling update), keeping how many replicas of each process run. Nothing else is touched.
#
#   1. The migrate step runs first, as a one-shot; if it fails, nothing else changes.
#   2. For each of <service>-worker then <service>-grpc, once per running replica: scale up by one with
#      --no-recreate (the new container gets the new image), wait until it is healthy, then stop one old
#      container gracefully (`docker stop` with the service's stop_grace_period) and remove it.
#   A new replica that does not become healthy within REDEPLOY_HEALTH_TIMEOUT seconds (default 180) is
#   removed and the rollout stops there: the old replicas not yet replaced keep running. Exit status 1.
# Works with Compose v1.29 (docker-compose) and v2 (docker compose).
set -euo pipefail
COMPOSE=$1
SERVICE=$2
HEALTH_TIMEOUT=${REDEPLOY_HEALTH_TIMEOUT:-180}

say() { echo "redeploy $SERVICE: $*"; }
fail() { echo "redeploy $SERVICE: FAILED: $*" >&2; exit 1; }

# The containers of one of the project's services, by compose's labels (docker ps is much quicker than compose ps,
# which matters on a busy machine; both Compose v1 and v2 set these labels).
PROJECT=""  # set from the migrate container's label below
containers() {  # containers SERVICE [docker ps option...]: full ids, sorted
  local svc=$1; shift
  docker ps -q --no-trunc "$@" --filter "label=com.docker.compose.project=$PROJECT" \
    --filter "label=com.docker.compose.service=$svc" | sort
}
running() { containers "$1" --filter status=running; }

# The service's stop_grace_period in seconds, from the resolved compose file (default 10, as compose's).
grace_of() {
  $COMPOSE config 2>/dev/null | awk -v svc="  $1:" '
    $0 == svc { inside = 1; next }
    inside && /^  [^ ]/ { inside = 0 }
    inside && /^    stop_grace_period:/ && !found { print $2; found = 1 }' | {
    read -r value || true
    value=${value:-10s}; value=${value//\'/}; value=${value//\"/}
    case "$value" in
      *m*s) m=${value%%m*}; s=${value#*m}; s=${s%s}; echo $(( m * 60 + ${s:-0} )) ;;
      *m) echo $(( ${value%m} * 60 )) ;;
      *s) echo "${value%s}" ;;
      *) echo "$value" ;;
    esac; }
}

wait_healthy() {  # wait_healthy ID: 0 once healthy; 1 if it exits, turns unhealthy or the time runs out
  local id=$1 deadline=$(( $(date +%s) + HEALTH_TIMEOUT )) state
  while [ "$(date +%s)" -lt "$deadline" ]; do
    state=$(docker inspect -f '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$id")
    case "$state" in
      "running healthy"|"running none") return 0 ;;
      "running unhealthy"|exited*|dead*) echo "new container ${id:0:12} is $state" >&2; return 1 ;;
    esac
    sleep 1
  done
  echo "new container ${id:0:12} not healthy after ${HEALTH_TIMEOUT}s" >&2
  return 1
}

roll() {  # roll PROCESS: replace every running replica of "$SERVICE-PROCESS", one at a time
  local svc="$SERVICE-$1" old n grace id new before after stopped
  # A replica left stopped (docker stop or kill) would be started again on the old image by the scale-ups
  # below instead of a new one being made: it is removed first (the rollout brings up as many as are running).
  stopped=$(comm -23 <(containers "$svc" -a | sort) <(running "$svc" | sort))
  for id in $stopped; do
    say "$svc: removing stopped replica ${id:0:12}"
    docker rm "$id" >/dev/null
  done
  old=$(running "$svc")
  n=$(echo "$old" | grep -c . || true)
  if [ "$n" -eq 0 ]; then
    say "$svc has no running replica; starting one"
    $COMPOSE up -d --no-deps "$svc"
    return
  fi
  grace=$(grace_of "$svc")
  say "$svc: replacing $n replica(s) one at a time (stop grace ${grace}s)"
  for id in $old; do
    before=$(containers "$svc" -a)
    $COMPOSE up -d --no-deps --no-recreate --scale "$svc=$(( n + 1 ))" "$svc"
    after=$(containers "$svc" -a)
    new=$(comm -13 <(echo "$before") <(echo "$after") | sed -n 1p)
    [ -n "$new" ] || fail "$svc: scaling up by one made no new container"
    say "$svc: new replica ${new:0:12} started; waiting until it is healthy"
    if ! wait_healthy "$new"; then
      docker logs --tail 30 "$new" >&2 || true
      docker stop -t "$grace" "$new" >/dev/null || true
      docker rm -f "$new" >/dev/null || true
      fail "$svc: the new replica never became healthy; it was removed and the rollout stopped." \
           "The old replicas still running were left as they were: $(running "$svc" | cut -c1-12 | tr '\n' ' ')"
    fi
    say "$svc: ${new:0:12} is healthy; stopping old replica ${id:0:12}"
    docker stop -t "$grace" "$id" >/dev/null
    docker rm "$id" >/dev/null
  done
}

say "building the image"
$COMPOSE build "$SERVICE-migrate"
say "running $SERVICE-migrate"
$COMPOSE up -d --no-deps --force-recreate "$SERVICE-migrate"
migrate=$($COMPOSE ps -q "$SERVICE-migrate" | sed -n 1p)
[ -n "$migrate" ] || migrate=$($COMPOSE ps -a -q "$SERVICE-migrate" | sed -n 1p)  # Compose v2 lists running ones only
status=$(docker wait "$migrate")
if [ "$status" != "0" ]; then
  docker logs --tail 30 "$migrate" >&2 || true
  fail "$SERVICE-migrate exited with code $status; the running containers were left as they were"
fi
PROJECT=$(docker inspect -f '{{ index .Config.Labels "com.docker.compose.project" }}' "$migrate")
roll worker
roll grpc
say "done: $(running "$SERVICE-grpc" | grep -c .) gRPC and $(running "$SERVICE-worker" | grep -c .) worker replicas"
