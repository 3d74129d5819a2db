#!/usr/bin/env bash
# Runs once, when the PostgreSQL volume is first initialised: one login role and one database per service.
# A service's database accepts connections only from its own role (and the superuser).
# With service names as arguments it creates only theirs: how an operator adds a service to a stack whose
# volume exists already (README, "Add a service to a running platform"):
#   docker compose exec -T postgres /docker-entrypoint-initdb.d/10-service-databases.sh course
set -euo pipefail

ONLY="" CREATED=""
if [ "${BASH_SOURCE[0]}" = "$0" ] && [ "$#" -gt 0 ]; then  # run with arguments (not sourced by the entrypoint)
  ONLY=" $* "
fi

create_service_database() {
  local name="$1" password="$2"
  if [ -n "$ONLY" ] && [[ "$ONLY" != *" $name "* ]]; then
    return 0
  fi
  if [ -z "$password" ]; then
    echo "10-service-databases: the password for ${name} is empty; run make env (it writes .env, whose values docker-compose.yml passes on)" >&2
    exit 1
  fi
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
       --set=name="$name" --set=password="$password" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"name" TO :"name";
SQL
  echo "10-service-databases: created role and database ${name}"
  CREATED+=" $name"
}

create_service_database identity "${IDENTITY_DB_PASSWORD:-}"
create_service_database room "${ROOM_DB_PASSWORD:-}"
create_service_database moderation "${MODERATION_DB_PASSWORD:-}"
create_service_database course "${COURSE_DB_PASSWORD:-}"
for name in $ONLY; do
  if [[ " $CREATED " != *" $name "* ]]; then
    echo "10-service-databases: no service ${name} here (the services are the create_service_database lines)" >&2
    exit 1
  fi
done
