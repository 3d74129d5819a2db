#!/usr/bin/env bash
# Runs once, when the PostgreSQL volume is first initialised: one login role and one database per service.
# A service's database accepts connections only from its own role (and the superuser).
set -euo pipefail

create_service_database() {
  local name="$1" password="$2"
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
}

create_service_database identity "${IDENTITY_DB_PASSWORD:-}"
create_service_database room "${ROOM_DB_PASSWORD:-}"
create_service_database moderation "${MODERATION_DB_PASSWORD:-}"
create_service_database course "${COURSE_DB_PASSWORD:-}"
