#!/usr/bin/env bash
# Make sure a local Docker engine is installed and answering (Debian's docker.io,
# docker-compose v1 and debootstrap), starting dockerd in the background if needed.
# Idempotent; meant for root on the CI/dev machines, works with no stdin (CI=true).
#
# Environment:
#   DOCKERD_LOG            dockerd log file          (default /var/log/dockerd-hearth.log)
#   DOCKERD_WAIT_SECONDS   how long to wait for it   (default 60)
#   APT_LOCK_TIMEOUT       seconds to wait for the dpkg lock (default 120)
set -euo pipefail

DOCKERD_LOG=${DOCKERD_LOG:-/var/log/dockerd-hearth.log}
DOCKERD_WAIT_SECONDS=${DOCKERD_WAIT_SECONDS:-60}
APT_LOCK_TIMEOUT=${APT_LOCK_TIMEOUT:-120}
PACKAGES=(docker.io docker-compose debootstrap)

log() { echo "ensure-docker: $*" >&2; }
die() { echo "ensure-docker: ERROR: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (installs packages and starts dockerd)"

pkg_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# --- 1. packages -------------------------------------------------------------
missing=()
for p in "${PACKAGES[@]}"; do
    pkg_installed "$p" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    log "installing ${missing[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt_opts=(-y -q -o "DPkg::Lock::Timeout=${APT_LOCK_TIMEOUT}"
              -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
    apt-get -q -o "DPkg::Lock::Timeout=${APT_LOCK_TIMEOUT}" update </dev/null >&2 \
        || die "apt-get update failed"
    apt-get "${apt_opts[@]}" install --no-install-recommends "${missing[@]}" </dev/null >&2 \
        || die "apt-get install ${missing[*]} failed"
else
    log "packages present: ${PACKAGES[*]}"
fi
command -v dockerd >/dev/null || die "dockerd not found on PATH after installing docker.io"
command -v docker  >/dev/null || die "docker client not found on PATH after installing docker.io"

# --- 2. engine ---------------------------------------------------------------
docker_ok() { timeout 10 docker info >/dev/null 2>&1; }

if docker_ok; then
    log "docker engine already running ($(docker info --format '{{.ServerVersion}} / {{.Driver}}' 2>/dev/null))"
    exit 0
fi

dockerd_pid=""
if [ -s /var/run/docker.pid ] && kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
    dockerd_pid=$(cat /var/run/docker.pid)
    log "dockerd already running as pid ${dockerd_pid} but not answering yet; waiting"
else
    log "starting dockerd in the background (log: ${DOCKERD_LOG})"
    mkdir -p "$(dirname "$DOCKERD_LOG")"
    # setsid + nohup: dockerd must outlive this script and the CI step that called it.
    setsid nohup dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null &
    dockerd_pid=$!
fi

deadline=$((SECONDS + DOCKERD_WAIT_SECONDS))
until docker_ok; do
    if ! kill -0 "$dockerd_pid" 2>/dev/null; then
        log "dockerd (pid ${dockerd_pid}) exited; last lines of ${DOCKERD_LOG}:"
        tail -n 30 "$DOCKERD_LOG" >&2 || true
        die "dockerd did not stay up"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
        log "last lines of ${DOCKERD_LOG}:"
        tail -n 30 "$DOCKERD_LOG" >&2 || true
        die "docker engine did not answer 'docker info' within ${DOCKERD_WAIT_SECONDS}s"
    fi
    sleep 1
done
log "docker engine is up ($(docker info --format '{{.ServerVersion}} / {{.Driver}}' 2>/dev/null), dockerd pid ${dockerd_pid})"
