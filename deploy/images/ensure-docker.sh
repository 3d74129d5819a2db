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

# dockerd_alive PID: PID is a live (not zombie) dockerd process.
dockerd_alive() {
    local pid=$1
    [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ] || return 1
    [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]
}

start_dockerd() {
    log "starting dockerd in the background (log: ${DOCKERD_LOG})"
    mkdir -p "$(dirname "$DOCKERD_LOG")"
    # setsid + nohup: dockerd must outlive this script and the CI step that called it. It inherits no descriptor
    # beyond the standard three: one it kept open (a caller's lock file, a pipe) would be held for its lifetime.
    (
        for fd in /proc/self/fd/*; do
            fd=${fd##*/}
            [ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-" 2>/dev/null
        done
        exec setsid nohup dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null
    ) &
    dockerd_pid=$!
}

# wait_for_engine: 0 once `docker info` answers, 1 if dockerd died, 2 on timeout.
wait_for_engine() {
    local deadline=$((SECONDS + DOCKERD_WAIT_SECONDS))
    until docker_ok; do
        dockerd_alive "$dockerd_pid" || return 1
        [ "$SECONDS" -lt "$deadline" ] || return 2
        sleep 1
    done
}

fail_with_log() {
    log "last lines of ${DOCKERD_LOG}:"
    tail -n 30 "$DOCKERD_LOG" >&2 || true
    die "$1"
}

dockerd_pid=""
if [ -s /var/run/docker.pid ] && dockerd_alive "$(cat /var/run/docker.pid)"; then
    dockerd_pid=$(cat /var/run/docker.pid)
    log "dockerd already running as pid ${dockerd_pid} but not answering yet; waiting"
    rc=0
    wait_for_engine || rc=$?
    case $rc in
        0) ;;
        1) log "dockerd pid ${dockerd_pid} went away; starting a new one"
           start_dockerd ;;
        *) fail_with_log "dockerd pid ${dockerd_pid} did not answer 'docker info' within ${DOCKERD_WAIT_SECONDS}s" ;;
    esac
else
    start_dockerd
fi

rc=0
wait_for_engine || rc=$?
case $rc in
    0) ;;
    1) fail_with_log "dockerd (pid ${dockerd_pid}) exited before answering 'docker info'" ;;
    *) fail_with_log "docker engine did not answer 'docker info' within ${DOCKERD_WAIT_SECONDS}s" ;;
esac
log "docker engine is up ($(docker info --format '{{.ServerVersion}} / {{.Driver}}' 2>/dev/null), dockerd pid ${dockerd_pid})"
