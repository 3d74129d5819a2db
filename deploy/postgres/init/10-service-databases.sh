#!/usr/bin/env bash
# Runs once, when the PostgreSQL volume is first initialised: one login role and one database per service.
# A service's database accepts connections only from its own role (and the superuser).
# A service given an owner's password too (moderation) gets two login roles: <name>_owner owns the database and
# everything in it, and only <name>-migrate connects as it (<NAME>_MIGRATE_DATABASE_URL); <name>, which the gRPC
# server and the worker connect as, may only connect: the service's migrations grant it the rest (moderation's
# 0011: no UPDATE, DELETE or TRUNCATE of its audit log, and as a non-owner it cannot lift the log's trigger).
# With service names as arguments it creates only theirs: how an operator adds a service to a stack whose
# volume exists already (README, "Add a service to a running platform"):
#   docker compose exec -T postgres /docker-entrypoint-initdb.d/10-service-databases.sh course
set -euo pipefail

ONLY="" CREATED=""
if [ "${BASH_SOURCE[0]}" = "$0" ] && [ "$#" -gt 0 ]; then  # run with arguments (not sourced by the entrypoint)
  ONLY=" $* "
fi

create_service_database() {
  local name="$1" password="$2" owner_password="${3-}" separate_owner="${3+yes}"
  if [ -n "$ONLY" ] && [[ "$ONLY" != *" $name "* ]]; then
    return 0
  fi
  if [ -z "$password" ] || { [ -n "$separate_owner" ] && [ -z "$owner_password" ]; }; then
    echo "10-service-databases: a password for ${name} is empty; run make env (it writes .env, whose values docker-compose.yml passes on)" >&2
    exit 1
  fi
  if [ -z "$separate_owner" ]; then
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
         --set=name="$name" --set=password="$password" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"name" TO :"name";
SQL
    echo "10-service-databases: created role and database ${name}"
  else
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
         --set=name="$name" --set=password="$password" \
         --set=owner="${name}_owner" --set=owner_password="$owner_password" <<'SQL'
CREATE ROLE :"owner" LOGIN PASSWORD :'owner_password';
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"owner";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"name" TO :"owner";
GRANT CONNECT ON DATABASE :"name" TO :"name";
SQL
    echo "10-service-databases: created roles ${name}_owner (owner) and ${name} (runtime) and database ${name}"
  fi
  CREATED+=" $name"
}

create_service_database identity "${IDENTITY_DB_PASSWORD:-}"
create_service_database room "${ROOM_DB_PASSWORD:-}"
create_service_database moderation "${MODERATION_DB_PASSWORD:-}" "${MODERATION_OWNER_DB_PASSWORD:-}"
create_service_database course "${COURSE_DB_PASSWORD:-}"
for name in $ONLY; do
  if [[ " $CREATED " != *" $name "* ]]; then
    echo "10-service-databases: no service ${name} here (the services are the create_service_database lines)" >&2
    exit 1
  fi
done
