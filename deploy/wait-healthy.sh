#!/usr/bin/env bash
# wait-healthy.sh "<compose command>" <seconds>: waits until every container of the project is healthy
# (one-shot containers must have exited 0). Exits 1 on timeout or on a one-shot failure.
set -euo pipefail
COMPOSE=$1
LIMIT=${2:-300}
deadline=$(( $(date +%s) + LIMIT ))
while true; do
  pending=0; report=""
  for id in $($COMPOSE ps -q); do
    line=$(docker inspect -f '{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.State.ExitCode}}' "$id")
    read -r name state health code <<<"$line"
    report+="  $line"$'\n'
    if [ "$health" = "none" ]; then
      if [ "$state" = "exited" ] && [ "$code" != "0" ]; then
        echo "one-shot container $name failed with exit code $code" >&2
        docker logs --tail 50 "$id" >&2 || true
        exit 1
      fi
      [ "$state" = "exited" ] || pending=1
    elif [ "$health" != "healthy" ]; then
      pending=1
    fi
  done
  if [ "$pending" = 0 ] && [ -n "$report" ]; then
    printf 'all containers healthy:\n%s' "$report"
    exit 0
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    printf 'timed out after %ss waiting for health:\n%s' "$LIMIT" "$report" >&2
    exit 1
  fi
  sleep 3
done
