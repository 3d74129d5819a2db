#!/usr/bin/env bash
# Smoke test of the images built by build-base-images.sh: python venv + a multi-stage build
# installing a wheel offline, PostgreSQL init/auth over the network, RabbitMQ health and
# authentication with and without a definitions file. Starts its own containers on its own
# network and removes them (and the temporary image) at the end. Bounded: every wait has a
# limit. Exits non-zero if any check fails.
set -euo pipefail

PYTHON_IMAGE=${PYTHON_IMAGE:-hearth/python-base:bookworm}
POSTGRES_IMAGE=${POSTGRES_IMAGE:-hearth/postgres:15}
RABBITMQ_IMAGE=${RABBITMQ_IMAGE:-hearth/rabbitmq:3}
READY_TIMEOUT=${READY_TIMEOUT:-90}

ID=hearth-smoke-$$
NET=$ID-net
PG=$ID-pg
RMQ=$ID-rmq
RMQ_DEFS=$ID-rmq-defs
MS_IMAGE=$ID-multistage:latest
TMP=$(mktemp -d)
passed=0
failed=0

log() { echo "smoke-test-images: $*" >&2; }

cleanup() {
    local rc=$?
    docker rm -f -v "$PG" "$RMQ" "$RMQ_DEFS" >/dev/null 2>&1 || true
    docker network rm "$NET" >/dev/null 2>&1 || true
    docker image rm "$MS_IMAGE" >/dev/null 2>&1 || true
    # The multi-stage build's untagged first stage carries the same label.
    docker image prune -f --filter "label=org.hearth.smoke=$ID" >/dev/null 2>&1 || true
    rm -rf "$TMP"
    exit "$rc"
}
trap cleanup EXIT

# check NAME CMD...: run CMD, count and report the result.
check() {
    local name=$1 out
    shift
    if out=$("$@" 2>&1); then
        passed=$((passed + 1))
        log "ok   $name"
    else
        failed=$((failed + 1))
        log "FAIL $name"
        printf '%s\n' "$out" | tail -n 15 | sed 's/^/       /' >&2
    fi
}

# wait_for SECONDS CMD...: retry CMD every 0.5 s until it succeeds or SECONDS pass.
wait_for() {
    local limit=$1 start=$SECONDS
    shift
    until "$@" >/dev/null 2>&1; do
        if [ $((SECONDS - start)) -ge "$limit" ]; then return 1; fi
        sleep 0.5
    done
    echo "$((SECONDS - start))"
}

for image in "$PYTHON_IMAGE" "$POSTGRES_IMAGE" "$RABBITMQ_IMAGE"; do
    docker image inspect "$image" >/dev/null 2>&1 \
        || { log "ERROR: image $image not found; run build-base-images.sh first"; exit 1; }
done
docker network create "$NET" >/dev/null

# ------------------------------------------------------------------ start servers early
mkdir -p "$TMP/initdb" "$TMP/rmq"
cat >"$TMP/initdb/01-schema.sql" <<'EOF'
CREATE TABLE smoke (id int PRIMARY KEY, source text);
INSERT INTO smoke VALUES (1, 'sql');
EOF
cat >"$TMP/initdb/02-service-user.sh" <<'EOF'
#!/bin/bash
set -e
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<-EOSQL
    CREATE USER svc WITH PASSWORD 'svc-pw';
    INSERT INTO smoke VALUES (2, 'sh');
EOSQL
EOF
chmod 0755 "$TMP/initdb/02-service-user.sh"
chmod 0755 "$TMP/initdb"
chmod 0644 "$TMP/initdb/01-schema.sql"

# Definitions with one service user (password "room-pw", RabbitMQ's salted SHA-256 hash).
python3 - "$TMP/rmq/definitions.json" <<'PY'
import base64, hashlib, json, os, sys
salt = os.urandom(4)
pw_hash = base64.b64encode(salt + hashlib.sha256(salt + b"room-pw").digest()).decode()
json.dump({
    "users": [{"name": "svc_room", "password_hash": pw_hash,
               "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": []}],
    "vhosts": [{"name": "hearth"}],
    "permissions": [{"user": "svc_room", "vhost": "hearth",
                     "configure": ".*", "write": ".*", "read": ".*"}],
    "exchanges": [{"name": "hearth.events", "vhost": "hearth", "type": "topic", "durable": True,
                   "auto_delete": False, "internal": False, "arguments": {}}],
}, open(sys.argv[1], "w"))
PY
chmod 0755 "$TMP/rmq"
chmod 0644 "$TMP/rmq/definitions.json"

pg_start=$SECONDS
docker run -d --name "$PG" --network "$NET" \
    -e POSTGRES_USER=hearth -e POSTGRES_PASSWORD='pg pw!' -e POSTGRES_DB=hearth \
    -v "$TMP/initdb:/docker-entrypoint-initdb.d:ro" "$POSTGRES_IMAGE" >/dev/null
rmq_start=$SECONDS
docker run -d --name "$RMQ" --hostname "$RMQ" --network "$NET" \
    -e RABBITMQ_DEFAULT_USER=hearth -e RABBITMQ_DEFAULT_PASS='rmq pw' "$RABBITMQ_IMAGE" >/dev/null
docker run -d --name "$RMQ_DEFS" --hostname "$RMQ_DEFS" --network "$NET" \
    -e RABBITMQ_DEFAULT_USER=hearth -e RABBITMQ_DEFAULT_PASS='rmq pw' \
    -v "$TMP/rmq/definitions.json:/etc/rabbitmq/definitions.json:ro" "$RABBITMQ_IMAGE" >/dev/null

# ------------------------------------------------------------------------ postgres
if wait_for "$READY_TIMEOUT" docker exec "$PG" pg_isready -h 127.0.0.1 -U hearth -d hearth >/dev/null; then
    log "postgres: ready (pg_isready over TCP) $((SECONDS - pg_start))s after docker run"
    passed=$((passed + 1))
else
    failed=$((failed + 1))
    log "FAIL postgres: not ready within ${READY_TIMEOUT}s; last log lines:"
    docker logs --tail 20 "$PG" >&2 || true
fi
psql_remote() { # USER PASSWORD SQL
    docker run --rm --network "$NET" -e PGPASSWORD="$2" --entrypoint psql "$POSTGRES_IMAGE" \
        -h "$PG" -U "$1" -d hearth -v ON_ERROR_STOP=1 -Atc "$3"
}
check "postgres: pg_isready (the health check command)" docker exec "$PG" pg_isready -U hearth -d hearth
pg_password_login() { [ "$(psql_remote hearth 'pg pw!' 'select current_user')" = hearth ]; }
pg_init_ran() {
    [ "$(docker exec "$PG" psql -U hearth -d hearth -Atc "select string_agg(source, ',' order by id) from smoke")" = sql,sh ]
}
pg_wrong_password_refused() { ! psql_remote hearth wrong 'select 1'; }
pg_server_settings() {
    [ "$(docker exec "$PG" psql -U hearth -d hearth -Atc "select current_setting('listen_addresses') || ':' || current_setting('port')")" = '*:5432' ] \
        && [ "$(docker exec "$PG" stat -c %U /proc/1)" = postgres ]
}
check "postgres: psql -U hearth with the password from a second container" pg_password_login
check "postgres: initdb.d .sql and .sh both ran" pg_init_ran
check "postgres: user created by an init script logs in over TCP" psql_remote svc svc-pw 'select 1'
check "postgres: a wrong password is refused" pg_wrong_password_refused
check "postgres: server runs as the postgres user, listening on *:5432" pg_server_settings

# ------------------------------------------------------------------------ rabbitmq
for c in "$RMQ" "$RMQ_DEFS"; do
    if wait_for "$READY_TIMEOUT" docker exec "$c" rabbitmq-diagnostics -q ping >/dev/null; then
        log "rabbitmq ($c): ping ok $((SECONDS - rmq_start))s after docker run"
    fi
    if wait_for "$READY_TIMEOUT" docker exec "$c" rabbitmq-diagnostics -q check_running >/dev/null; then
        log "rabbitmq ($c): fully booted (check_running) $((SECONDS - rmq_start))s after docker run"
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        log "FAIL rabbitmq ($c): not running within ${READY_TIMEOUT}s; last log lines:"
        docker logs --tail 20 "$c" >&2 || true
    fi
done
check "rabbitmq: rabbitmq-diagnostics -q ping" docker exec "$RMQ" rabbitmq-diagnostics -q ping
check "rabbitmq: default user authenticates" docker exec "$RMQ" rabbitmqctl authenticate_user hearth 'rmq pw'
rmq_wrong_password_refused() { ! docker exec "$RMQ" rabbitmqctl authenticate_user hearth wrong; }
rmq_default_user_admin() {
    docker exec "$RMQ" rabbitmqctl -q list_users | grep -q '^hearth[[:space:]].*administrator' \
        && docker exec "$RMQ" rabbitmqctl -q list_user_permissions hearth | grep -q '^/[[:space:]]'
}
rmq_defs_exchange() { docker exec "$RMQ_DEFS" rabbitmqctl -q list_exchanges -p hearth name | grep -qx hearth.events; }
check "rabbitmq: a wrong password is refused" rmq_wrong_password_refused
check "rabbitmq: default user is an administrator with access to /" rmq_default_user_admin
check "rabbitmq (definitions): service user from definitions.json authenticates" \
    docker exec "$RMQ_DEFS" rabbitmqctl authenticate_user svc_room room-pw
check "rabbitmq (definitions): exchange from definitions.json exists" rmq_defs_exchange
check "rabbitmq (definitions): default user still authenticates" \
    docker exec "$RMQ_DEFS" rabbitmqctl authenticate_user hearth 'rmq pw'

# -------------------------------------------------------------------------- python
check "python: /usr/bin/python3 is 3.11" \
    docker run --rm "$PYTHON_IMAGE" python3 -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version'
check "python: python3 -m venv /tmp/v works and has pip" \
    docker run --rm "$PYTHON_IMAGE" sh -c 'python3 -m venv /tmp/v && /tmp/v/bin/pip --version'

# A wheel made by hand (no build backend, no network), installed offline in a multi-stage build.
mkdir -p "$TMP/ms/wheels"
python3 - "$TMP/ms/wheels" <<'PY'
import base64, hashlib, sys, zipfile
name, ver = "hearth_smoke", "0.1"
files = {
    f"{name}/__init__.py": "def main():\n    import sys\n    print('smoke ok', sys.version.split()[0])\n",
    f"{name}-{ver}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: hearth-smoke\nVersion: {ver}\n",
    f"{name}-{ver}.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: smoke\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    f"{name}-{ver}.dist-info/entry_points.txt": f"[console_scripts]\nhearth-smoke = {name}:main\n",
}
record = f"{name}-{ver}.dist-info/RECORD"
lines = []
with zipfile.ZipFile(f"{sys.argv[1]}/{name}-{ver}-py3-none-any.whl", "w") as z:
    for path, text in files.items():
        data = text.encode()
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        lines.append(f"{path},sha256={digest},{len(data)}")
        z.writestr(path, data)
    z.writestr(record, "\n".join(lines + [f"{record},,"]) + "\n")
PY
cat >"$TMP/ms/Dockerfile" <<'EOF'
ARG PYTHON_BASE=python:3.11-slim-bookworm
FROM ${PYTHON_BASE} AS build
ARG SMOKE_ID
LABEL org.hearth.smoke=${SMOKE_ID}
COPY wheels /wheels
RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install --no-index --find-links /wheels hearth-smoke
FROM ${PYTHON_BASE}
ARG SMOKE_ID
LABEL org.hearth.smoke=${SMOKE_ID}
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
CMD ["hearth-smoke"]
EOF
check "python: multi-stage build FROM the image installs a wheel offline into a venv" \
    env DOCKER_BUILDKIT=0 timeout 300 docker build -q --build-arg "PYTHON_BASE=$PYTHON_IMAGE" --build-arg "SMOKE_ID=$ID" -t "$MS_IMAGE" "$TMP/ms"
ms_runs() { docker run --rm "$MS_IMAGE" | grep -q '^smoke ok 3\.11'; }
check "python: the venv's console script runs in the final stage" ms_runs

log "$passed checks passed, $failed failed"
[ "$failed" -eq 0 ]
