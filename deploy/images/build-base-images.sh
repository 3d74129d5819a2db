#!/usr/bin/env bash
# Build Hearth's local base images from Debian packages, with no image registry:
#   hearth/python-base:bookworm   python3 (3.11), python3-venv, ca-certificates
#   hearth/postgres:15            Debian postgresql-15 + official-image-style entrypoint
#   hearth/rabbitmq:3             Debian rabbitmq-server (3.10) + foreground entrypoint
#   hearth/haproxy:2.6            Debian haproxy (2.6), laid out as the official haproxy image
# Each is a debootstrap (minbase) rootfs, cached as a tarball under $CACHE_DIR, imported
# with `docker import`, then finished by the small Dockerfile in ./<name>/.
#
# Idempotent: an image whose inputs (package list, rootfs steps, Dockerfile, entrypoint)
# are unchanged is skipped. Usage:
#   build-base-images.sh [python-base] [postgres] [rabbitmq] [haproxy]     (default: all four)
# Environment:
#   FORCE=1          rebuild the images even if they are up to date (reuses cached rootfs)
#   NO_CACHE=1       also redo debootstrap instead of using the cached rootfs tarballs
#   JOBS=N           debootstrap up to N rootfs in parallel (default 3; 1 = one at a time)
#   APPLY_UPDATES=0  skip upgrading the rootfs from bookworm-updates / bookworm-security
#   DEBIAN_MIRROR    debootstrap mirror (default: the bookworm URI in /etc/apt/sources*)
#   CACHE_DIR        default /var/cache/hearth-images
#   DEBOOTSTRAP_TIMEOUT / APT_TIMEOUT / BUILD_TIMEOUT   seconds (900 / 600 / 600)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SUITE=bookworm
CACHE_DIR=${CACHE_DIR:-/var/cache/hearth-images}
FORCE=${FORCE:-0}
NO_CACHE=${NO_CACHE:-0}
APPLY_UPDATES=${APPLY_UPDATES:-1}
DEBOOTSTRAP_TIMEOUT=${DEBOOTSTRAP_TIMEOUT:-900}
APT_TIMEOUT=${APT_TIMEOUT:-600}
BUILD_TIMEOUT=${BUILD_TIMEOUT:-600}
LOCK_TIMEOUT=${LOCK_TIMEOUT:-1800}
JOBS=${JOBS:-3}
# Bump to invalidate every cached rootfs when the generic rootfs steps change meaning.
ROOTFS_FORMAT=1

log() { echo "build-base-images: $*" >&2; }
die() { echo "build-base-images: ERROR: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap, chroot, docker)"

# ---------------------------------------------------------------------------- images
# name | image tag | packages for debootstrap --include | rootfs hook
declare -A IMAGE_TAG=(
    [python-base]=hearth/python-base:bookworm
    [postgres]=hearth/postgres:15
    [rabbitmq]=hearth/rabbitmq:3
    [haproxy]=hearth/haproxy:2.6
)
# shellcheck disable=SC2054  # comma-separated lists for debootstrap --include
declare -A IMAGE_PACKAGES=(
    [python-base]=python3,python3-venv,ca-certificates
    [postgres]=postgresql-15,ca-certificates
    [rabbitmq]=rabbitmq-server,ca-certificates
    [haproxy]=haproxy
)
ALL_IMAGES=(python-base postgres rabbitmq haproxy)

# Rootfs hooks run on the unpacked rootfs before it is tarred (their text is part of the
# cache key, so editing one rebuilds that rootfs).
hook_python-base() {
    local root=$1 real
    real=$(readlink -f "$root/usr/bin/python3")
    case "$real" in
        */python3.11) ;;
        *) die "python-base: /usr/bin/python3 resolves to ${real#"$root"}, expected python3.11" ;;
    esac
    [ -d "$root/usr/lib/python3.11/ensurepip" ] || die "python-base: ensurepip missing (python3-venv)"
}

hook_postgres() {
    local root=$1 sample=$1/usr/share/postgresql/15/postgresql.conf.sample
    # The package's postinst made a "main" cluster for systemd use; the entrypoint makes its
    # own in $PGDATA, so drop it (about 40 MB).
    rm -rf "$root/etc/postgresql/15/main" "$root/var/lib/postgresql/15"
    # Listen on all interfaces by default, as the official image does (edits the initdb sample).
    sed -i -e "s/^#\?listen_addresses = .*/listen_addresses = '*'\t\t# set by hearth build/" "$sample"
    grep -q "^listen_addresses = '\*'" "$sample" || die "postgres: could not set listen_addresses in $sample"
    [ -x "$root/usr/lib/postgresql/15/bin/pg_isready" ] || die "postgres: pg_isready missing"
    chroot "$root" id postgres >/dev/null || die "postgres: no postgres user in the rootfs"
}

hook_rabbitmq() {
    local root=$1
    rm -rf "$root/var/lib/rabbitmq/mnesia" "$root/var/lib/rabbitmq/.erlang.cookie"
    [ -x "$root/usr/lib/rabbitmq/bin/rabbitmq-server" ] || die "rabbitmq: rabbitmq-server missing"
    [ -e "$root/usr/sbin/rabbitmq-diagnostics" ] || die "rabbitmq: rabbitmq-diagnostics missing"
    chroot "$root" id rabbitmq >/dev/null || die "rabbitmq: no rabbitmq user in the rootfs"
}

hook_haproxy() {
    local root=$1
    [ -x "$root/usr/sbin/haproxy" ] || die "haproxy: /usr/sbin/haproxy missing"
    chroot "$root" id haproxy >/dev/null || die "haproxy: no haproxy user in the rootfs"
}

# ------------------------------------------------------------------ apt mirror detection
# Prints "URI SUITE" for every enabled `deb` source with the main component.
apt_sources() {
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        awk '$1 == "deb" {
                i = 2
                if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                uri = $i; suite = $(i + 1); main = 0
                for (j = i + 2; j <= NF; j++) if ($j == "main") main = 1
                if (main) print uri, suite
            }' "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk 'BEGIN { RS = ""; FS = "\n" }
            {
                types = uris = suites = comps = ""; enabled = "yes"
                for (i = 1; i <= NF; i++) {
                    line = $i
                    if (line ~ /^[ \t]*#/ || index(line, ":") == 0) continue
                    key = tolower(substr(line, 1, index(line, ":") - 1))
                    val = substr(line, index(line, ":") + 1)
                    gsub(/^[ \t]+|[ \t]+$/, "", val)
                    if (key == "types") types = val
                    else if (key == "uris") uris = val
                    else if (key == "suites") suites = val
                    else if (key == "components") comps = val
                    else if (key == "enabled") enabled = tolower(val)
                }
                if (enabled == "no" || (" " types " ") !~ / deb / || (" " comps " ") !~ / main /) next
                n = split(uris, U, /[ \t]+/); m = split(suites, S, /[ \t]+/)
                for (a = 1; a <= n; a++) for (b = 1; b <= m; b++) print U[a], S[b]
            }' "$f"
    done
}

detect_mirror() {
    if [ -n "${DEBIAN_MIRROR:-}" ]; then
        echo "$DEBIAN_MIRROR"
        return
    fi
    local uri
    uri=$(apt_sources | awk -v s="$SUITE" '$2 == s { print $1; exit }')
    if [ -z "$uri" ]; then
        log "WARNING: no '$SUITE main' source in /etc/apt/sources*; falling back to http://deb.debian.org/debian"
        uri=http://deb.debian.org/debian
    fi
    echo "${uri%/}"
}

# One-line sources for the rootfs: the mirror plus the host's -updates/-security entries.
rootfs_sources_list() {
    echo "deb $MIRROR $SUITE main"
    apt_sources | awk -v s="$SUITE" '$2 == s "-updates" || $2 == s "-security" { print "deb " $1 " " $2 " main" }' \
        | awk '!seen[$0]++'
}

# ------------------------------------------------------------- work dirs and cleanup
WORK_DIRS=()

mounts_under() {
    awk -v r="$1" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/mounts | sort -r
}

release_work_dir() {
    local dir=$1 m
    for m in $(mounts_under "$dir"); do
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    done
    if [ -n "$(mounts_under "$dir")" ]; then
        log "WARNING: mounts remain under $dir; not deleting it"
        return 0
    fi
    rm -rf --one-file-system "$dir"
}

release_all_work_dirs() {
    local d
    for d in "${WORK_DIRS[@]+"${WORK_DIRS[@]}"}"; do
        if [ -d "$d" ]; then release_work_dir "$d"; fi
    done
}

# Background rootfs builds (see build_rootfs_bg), by image name.
declare -A ROOTFS_PIDS=()

# stop_background: TERM the background rootfs builds still running (and their `timeout`
# children, which pass it on to debootstrap / apt-get), then wait up to 30 s for them.
stop_background() {
    local pid child deadline=$((SECONDS + 30))
    for pid in "${ROOTFS_PIDS[@]+"${ROOTFS_PIDS[@]}"}"; do
        kill -0 "$pid" 2>/dev/null || continue
        for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do
            kill -TERM "$child" 2>/dev/null || true
        done
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${ROOTFS_PIDS[@]+"${ROOTFS_PIDS[@]}"}"; do
        while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.5; done
    done
}

on_exit() {
    local rc=$?
    stop_background
    release_all_work_dirs
    exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --------------------------------------------------------------------------- rootfs
# Generic steps applied to every rootfs after debootstrap.
finalize_rootfs() {
    local root=$1 log_file=$2
    rootfs_sources_list >"$root/etc/apt/sources.list"
    if [ "$APPLY_UPDATES" = 1 ] && [ "$(wc -l <"$root/etc/apt/sources.list")" -gt 1 ]; then
        # No daemon may start inside the chroot while packages are upgraded.
        printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
        chmod 0755 "$root/usr/sbin/policy-rc.d"
        cp -L /etc/resolv.conf "$root/etc/resolv.conf"
        mount -t proc proc "$root/proc"
        local apt=(timeout "$APT_TIMEOUT" chroot "$root" env DEBIAN_FRONTEND=noninteractive
                   LANG=C.UTF-8 apt-get -q -o Dpkg::Options::=--force-confdef
                   -o Dpkg::Options::=--force-confold)
        { "${apt[@]}" update && "${apt[@]}" -y --no-install-recommends upgrade; } </dev/null >>"$log_file" 2>&1 \
            || { tail -n 30 "$log_file" >&2; die "apt-get upgrade inside the rootfs failed (log: $log_file)"; }
        umount "$root/proc"
        rm -f "$root/usr/sbin/policy-rc.d"
    fi
    chroot "$root" apt-get clean
    rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/tmp/* "$root"/var/tmp/* \
        "$root"/usr/share/man "$root"/usr/share/info "$root"/var/cache/debconf/*-old "$root"/var/lib/dpkg/*-old
    find "$root/usr/share/doc" -type f ! -name copyright -delete
    # Message translations (tens of MB); keep locale.alias, which glibc reads.
    find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +
    find "$root/var/log" -type f -delete
    # Docker supplies these at run time; do not bake the build host's into the image.
    rm -f "$root/etc/resolv.conf" "$root/etc/hostname"
    printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
}

rootfs_key() {
    local name=$1
    {
        echo "format=$ROOTFS_FORMAT suite=$SUITE updates=$APPLY_UPDATES"
        echo "packages=${IMAGE_PACKAGES[$name]}"
        declare -f finalize_rootfs "hook_$name"
    } | sha256sum | cut -c1-12
}

rootfs_tar() { echo "$CACHE_DIR/rootfs/$1-$SUITE-$(rootfs_key "$1").tar"; }
rootfs_tag() { echo "hearth/rootfs-$1:$SUITE-$(rootfs_key "$1")"; }

# build_rootfs NAME: debootstrap + finalise + hook, then write the cached tarball.
build_rootfs() {
    local name=$1 tar work start log_file
    tar=$(rootfs_tar "$name")
    log_file="$CACHE_DIR/logs/$name-rootfs.log"
    # Own .deb cache per image: parallel debootstraps must not share partial downloads.
    mkdir -p "$CACHE_DIR/rootfs" "$CACHE_DIR/debs/$name" "$CACHE_DIR/work" "$CACHE_DIR/logs"
    work=$(mktemp -d "$CACHE_DIR/work/$name.XXXXXX")
    WORK_DIRS+=("$work")
    : >"$log_file"
    start=$SECONDS
    log "$name: debootstrap $SUITE from $MIRROR with ${IMAGE_PACKAGES[$name]} (log: $log_file)"
    local rc=0
    timeout "$DEBOOTSTRAP_TIMEOUT" debootstrap --variant=minbase --include="${IMAGE_PACKAGES[$name]}" \
        --cache-dir="$CACHE_DIR/debs/$name" "$SUITE" "$work/rootfs" "$MIRROR" </dev/null >>"$log_file" 2>&1 \
        || rc=$?
    if [ "$rc" -ne 0 ]; then
        tail -n 30 "$log_file" >&2
        [ "$rc" -ne 124 ] || die "$name: debootstrap timed out after ${DEBOOTSTRAP_TIMEOUT}s (log: $log_file)"
        die "$name: debootstrap failed with status $rc (log: $log_file)"
    fi
    log "$name: debootstrap done in $((SECONDS - start))s; finalising rootfs"
    finalize_rootfs "$work/rootfs" "$log_file"
    "hook_$name" "$work/rootfs"
    [ -z "$(mounts_under "$work/rootfs")" ] || die "$name: mounts remain under $work/rootfs"
    tar --numeric-owner -C "$work/rootfs" -cf "$tar.tmp" \
        --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' .
    mv -f "$tar.tmp" "$tar"
    release_work_dir "$work"
    # Older rootfs tarballs of this image are superseded.
    find "$CACHE_DIR/rootfs" -maxdepth 1 -name "$name-$SUITE-*.tar" ! -path "$tar" -delete
    log "$name: rootfs ready in $((SECONDS - start))s ($(du -h "$tar" | cut -f1)): $tar"
}

# build_rootfs_bg NAME: build_rootfs in a background subshell with its own cleanup.
build_rootfs_bg() {
    (
        WORK_DIRS=()
        ROOTFS_PIDS=()
        trap 'rc=$?; release_all_work_dirs; exit "$rc"' EXIT
        trap 'exit 143' TERM
        trap 'exit 130' INT
        build_rootfs "$1"
    ) &
    ROOTFS_PIDS[$1]=$!
}

# ---------------------------------------------------------------------------- images
image_label() {
    docker image inspect -f "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true
}

# build_hash NAME: identifies the image's inputs (rootfs key + its build context).
build_hash() {
    local context=$HERE/$1
    { rootfs_tag "$1"; cd "$context" && find . -type f | LC_ALL=C sort | xargs sha256sum; } \
        | sha256sum | cut -c1-16
}

image_up_to_date() {
    [ "$FORCE" != 1 ] && [ "$(image_label "${IMAGE_TAG[$1]}" org.hearth.build-hash)" = "$(build_hash "$1")" ]
}

rootfs_available() {
    docker image inspect "$(rootfs_tag "$1")" >/dev/null 2>&1 || [ -s "$(rootfs_tar "$1")" ]
}

declare -A TIMINGS=()

build_image() {
    local name=$1 tag=${IMAGE_TAG[$1]} context=$HERE/$1 start rootfs_tag hash tar log_file
    start=$SECONDS
    [ -f "$context/Dockerfile" ] || die "$name: missing $context/Dockerfile"
    rootfs_tag=$(rootfs_tag "$name")
    hash=$(build_hash "$name")
    if docker image inspect "$tag" >/dev/null 2>&1; then
        log "$name: $tag exists but is stale (or FORCE/NO_CACHE is set); rebuilding"
    fi

    if docker image inspect "$rootfs_tag" >/dev/null 2>&1; then
        log "$name: rootfs image $rootfs_tag already imported"
    else
        tar=$(rootfs_tar "$name")
        if [ -s "$tar" ]; then
            log "$name: using cached rootfs $tar"
        else
            build_rootfs "$name"
        fi
        log "$name: docker import $tar as $rootfs_tag"
        docker import --message "hearth $name rootfs ($SUITE, ${IMAGE_PACKAGES[$name]})" "$tar" "$rootfs_tag" >/dev/null
    fi

    local old_id
    old_id=$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)
    log_file="$CACHE_DIR/logs/$name-build.log"
    mkdir -p "$CACHE_DIR/logs"
    log "$name: docker build $tag (log: $log_file)"
    DOCKER_BUILDKIT=0 timeout "$BUILD_TIMEOUT" docker build --no-cache \
        --build-arg "ROOTFS_IMAGE=$rootfs_tag" \
        --label "org.hearth.build-hash=$hash" \
        --label "org.hearth.rootfs=$rootfs_tag" \
        --label "org.opencontainers.image.title=$tag" \
        -t "$tag" "$context" </dev/null >"$log_file" 2>&1 \
        || { tail -n 30 "$log_file" >&2; die "$name: docker build failed (log: $log_file)"; }
    # The image this build replaced, if nothing else uses it (fails quietly otherwise).
    if [ -n "$old_id" ] && [ "$old_id" != "$(docker image inspect -f '{{.Id}}' "$tag")" ]; then
        docker image rm "$old_id" >/dev/null 2>&1 || true
    fi
    # Older rootfs images of this name are superseded (untag only; layers in use stay).
    docker image ls --format '{{.Repository}}:{{.Tag}}' "hearth/rootfs-$name" \
        | grep -vxF "$rootfs_tag" | xargs -r docker image rm >/dev/null 2>&1 || true
    TIMINGS[$name]="built in $((SECONDS - start))s"
    log "$name: built $tag in $((SECONDS - start))s ($(docker image inspect -f '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}'))"
}

# ----------------------------------------------------------------------------- main
selected=("$@")
[ "${#selected[@]}" -gt 0 ] || selected=("${ALL_IMAGES[@]}")
for name in "${selected[@]}"; do
    [ -n "${IMAGE_TAG[$name]:-}" ] || die "unknown image '$name' (known: ${ALL_IMAGES[*]})"
done

"$HERE/ensure-docker.sh"
command -v debootstrap >/dev/null || die "debootstrap missing (ensure-docker.sh should have installed it)"

mkdir -p "$CACHE_DIR"
exec 9>"$CACHE_DIR/.lock"
flock -w "$LOCK_TIMEOUT" 9 || die "another build-base-images.sh holds $CACHE_DIR/.lock (waited ${LOCK_TIMEOUT}s)"

# debootstrap ignores apt.conf; pass on an apt proxy if the host uses one.
if [ -z "${http_proxy:-}" ]; then
    apt_proxy=$(apt-config dump 2>/dev/null | awk -F'"' '/^Acquire::http::Proxy /{print $2; exit}')
    if [ -n "$apt_proxy" ] && [ "$apt_proxy" != DIRECT ]; then export http_proxy=$apt_proxy; fi
fi

MIRROR=$(detect_mirror)
log "mirror: $MIRROR; cache: $CACHE_DIR; images: ${selected[*]}"

total_start=$SECONDS

if [ "$NO_CACHE" = 1 ]; then
    log "NO_CACHE=1: dropping cached rootfs tarballs and rootfs images of: ${selected[*]}"
    for name in "${selected[@]}"; do
        rm -f "$CACHE_DIR/rootfs/$name-$SUITE-"*.tar
        docker image ls --format '{{.Repository}}:{{.Tag}}' "hearth/rootfs-$name" | xargs -r docker image rm >/dev/null
    done
    FORCE=1
fi

# Plan: which images to build, and which of those need a fresh debootstrap.
todo=() need_rootfs=()
for name in "${selected[@]}"; do
    if image_up_to_date "$name"; then
        log "$name: ${IMAGE_TAG[$name]} is up to date (build hash $(build_hash "$name")); skipping (FORCE=1 rebuilds)"
        TIMINGS[$name]="up to date, skipped"
        continue
    fi
    todo+=("$name")
    rootfs_available "$name" || need_rootfs+=("$name")
done

# debootstrap is mostly waiting on the mirror and dpkg: run those in parallel (JOBS>1).
if [ "$JOBS" -gt 1 ] && [ "${#need_rootfs[@]}" -gt 1 ]; then
    log "building ${#need_rootfs[@]} rootfs, up to $JOBS at a time: ${need_rootfs[*]}"
    failed=()
    for ((i = 0; i < ${#need_rootfs[@]}; i += JOBS)); do
        batch=("${need_rootfs[@]:i:JOBS}")
        for name in "${batch[@]}"; do build_rootfs_bg "$name"; done
        for name in "${batch[@]}"; do
            wait "${ROOTFS_PIDS[$name]}" || failed+=("$name")
        done
    done
    [ "${#failed[@]}" -eq 0 ] || die "rootfs build failed for: ${failed[*]} (logs in $CACHE_DIR/logs)"
    log "parallel rootfs builds done in $((SECONDS - total_start))s"
fi

for name in "${todo[@]+"${todo[@]}"}"; do
    build_image "$name"
done

log "summary (total $((SECONDS - total_start))s):"
for name in "${selected[@]}"; do
    log "  ${IMAGE_TAG[$name]}: ${TIMINGS[$name]}"
done
