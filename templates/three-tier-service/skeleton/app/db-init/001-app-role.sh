#!/bin/sh
# Runs once, when the PostgreSQL data directory is first initialised (docker-entrypoint-initdb.d). Creates the
# application's role with the password from the Secret (APP_DB_PASSWORD), so no credential lives in Git.
set -eu
: "${APP_DB_PASSWORD:?APP_DB_PASSWORD must come from the ${{ values.name }}-postgres Secret}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set app_password="$APP_DB_PASSWORD" <<'SQL'
CREATE ROLE ${{ values.name | replace('-', '_') }}_app LOGIN PASSWORD :'app_password';
GRANT CONNECT ON DATABASE ${{ values.name | replace('-', '_') }} TO ${{ values.name | replace('-', '_') }}_app;
SQL
