#!/usr/bin/env bash
# Runs once, when the PostgreSQL volume is first initialised. One database per service, owned by tenderflow_owner,
# the role migrations run as; each service logs in as its own role, which may connect to its database only and
# read and write rows there (in tables created later too), but not create or change tables.
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE tenderflow_owner LOGIN PASSWORD '$POSTGRES_MIGRATION_PASSWORD';
SQL

for service in gateway ingest workspace questions jobs; do
  db="tenderflow_$service"
  password_variable="POSTGRES_${service^^}_PASSWORD"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE $db LOGIN PASSWORD '${!password_variable}';
CREATE DATABASE $db OWNER tenderflow_owner;
REVOKE ALL ON DATABASE $db FROM PUBLIC;
GRANT CONNECT ON DATABASE $db TO $db;
\\connect $db
ALTER SCHEMA public OWNER TO tenderflow_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO $db;
ALTER DEFAULT PRIVILEGES FOR ROLE tenderflow_owner IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO $db;
ALTER DEFAULT PRIVILEGES FOR ROLE tenderflow_owner IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO $db;
SQL
done
