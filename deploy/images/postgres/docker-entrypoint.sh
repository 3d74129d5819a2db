#!/usr/bin/env bash
# Entrypoint of hearth/postgres:15 (Debian postgresql-15), following the official postgres
# image: on the first start with an empty $PGDATA it runs initdb, sets the superuser
# password, creates $POSTGRES_DB and runs /docker-entrypoint-initdb.d/*.sh|*.sql|*.sql.gz
# against a socket-only temporary server; then it execs postgres as the postgres user.
#
# Honoured: POSTGRES_PASSWORD (required unless POSTGRES_HOST_AUTH_METHOD=trust),
# POSTGRES_USER (default postgres), POSTGRES_DB (default $POSTGRES_USER),
# POSTGRES_INITDB_ARGS, POSTGRES_HOST_AUTH_METHOD (default scram-sha-256), PGDATA,
# and POSTGRES_PASSWORD_FILE / POSTGRES_USER_FILE / POSTGRES_DB_FILE / POSTGRES_INITDB_ARGS_FILE.
set -Eeuo pipefail

log() { echo "postgres-entrypoint: $*" >&2; }
die() { echo "postgres-entrypoint: ERROR: $*" >&2; exit 1; }

# file_env VAR [DEFAULT]: take VAR from $VAR or from the file named by $VAR_FILE.
file_env() {
    local var=$1 file_var="${1}_FILE" def=${2:-} val
    if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then
        die "both $var and $file_var are set (they are exclusive)"
    fi
    val=$def
    if [ -n "${!var:-}" ]; then
        val=${!var}
    elif [ -n "${!file_var:-}" ]; then
        val=$(<"${!file_var}")
    fi
    export "$var=$val"
    unset "$file_var"
}

# docker_process_sql [psql args...]: run SQL against the temporary server (also usable by
# sourced *.sh init scripts, as in the official image).
docker_process_sql() {
    local query_runner=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
    if [ -n "${POSTGRES_DB:-}" ]; then
        query_runner+=(--dbname "$POSTGRES_DB")
    fi
    PGHOST='' PGHOSTADDR='' "${query_runner[@]}" "$@"
}

run_init_files() {
    local f
    shopt -s nullglob
    for f in /docker-entrypoint-initdb.d/*; do
        case "$f" in
            *.sh)
                if [ -x "$f" ]; then
                    log "running $f"
                    "$f"
                else
                    log "sourcing $f"
                    # shellcheck disable=SC1090
                    . "$f"
                fi
                ;;
            *.sql)    log "running $f"; docker_process_sql -f "$f" ;;
            *.sql.gz) log "running $f"; gunzip -c "$f" | docker_process_sql ;;
            *.sql.xz) log "running $f"; xzcat "$f" | docker_process_sql ;;
            *.sql.zst) log "running $f"; zstd -dc "$f" | docker_process_sql ;;
            *)        log "ignoring $f" ;;
        esac
    done
    shopt -u nullglob
}

init_database() {
    file_env POSTGRES_PASSWORD
    file_env POSTGRES_USER postgres
    file_env POSTGRES_DB "$POSTGRES_USER"
    file_env POSTGRES_INITDB_ARGS
    local auth=${POSTGRES_HOST_AUTH_METHOD:-}

    if [ -z "$POSTGRES_PASSWORD" ] && [ "$auth" != trust ]; then
        die "the database is uninitialized and POSTGRES_PASSWORD is not set.
       Set POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE) to a non-empty value for the
       superuser, or POSTGRES_HOST_AUTH_METHOD=trust to allow all connections without a
       password (NOT recommended)."
    fi
    [ -n "$auth" ] || auth=scram-sha-256

    log "initialising a new cluster in $PGDATA (superuser ${POSTGRES_USER}, database ${POSTGRES_DB})"
    local initdb_args=(--username="$POSTGRES_USER") pwfile=""
    if [ -n "$POSTGRES_PASSWORD" ]; then
        # A private temporary file: a process substitution's fd is gone by the time initdb reads it.
        pwfile=$(umask 077 && mktemp)
        printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
        initdb_args+=(--pwfile="$pwfile")
    fi
    # POSTGRES_INITDB_ARGS is a word list, as in the official image.
    # shellcheck disable=SC2086
    if ! initdb "${initdb_args[@]}" $POSTGRES_INITDB_ARGS -D "$PGDATA"; then
        [ -z "$pwfile" ] || rm -f "$pwfile"
        die "initdb failed"
    fi
    [ -z "$pwfile" ] || rm -f "$pwfile"

    # Inside the container the socket stays trusted (initdb's default); TCP needs $auth.
    printf '\n# added by docker-entrypoint.sh\nhost all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"

    log "starting a temporary socket-only server"
    export PGPASSWORD=${PGPASSWORD:-$POSTGRES_PASSWORD}
    pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p ${PGPORT:-5432}" -w -t 60 start

    if [ "$POSTGRES_DB" != postgres ]; then
        local db=$POSTGRES_DB exists
        exists=$(POSTGRES_DB=postgres docker_process_sql -tA --set db="$db" \
            <<<"SELECT 1 FROM pg_database WHERE datname = :'db';")
        if [ -z "$exists" ]; then
            POSTGRES_DB=postgres docker_process_sql --set db="$db" <<<'CREATE DATABASE :"db";'
            log "created database $db"
        fi
    fi

    run_init_files

    log "stopping the temporary server"
    pg_ctl -D "$PGDATA" -m fast -w -t 60 stop
    unset PGPASSWORD
    log "initialisation complete; ready for start up"
}

# `docker run hearth/postgres:15 -c foo=bar` means postgres with those options.
if [ "${1:0:1}" = '-' ]; then
    set -- postgres "$@"
fi

: "${PGDATA:=/var/lib/postgresql/data}"
export PGDATA

if [ "${1:-}" != postgres ]; then
    exec "$@"
fi

if [ "$(id -u)" = 0 ]; then
    # Fix ownership of bind mounts / fresh volumes, then drop to the postgres user.
    mkdir -p "$PGDATA" /var/run/postgresql
    find "$PGDATA" \! -user postgres -exec chown postgres:postgres '{}' +
    chmod 0700 "$PGDATA"
    chown postgres:postgres /var/run/postgresql
    chmod 3777 /var/run/postgresql
    export HOME=/var/lib/postgresql
    exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    init_database
else
    log "database directory $PGDATA already initialised; skipping initialisation"
fi

exec "$@"
