-- Schema of ${{ values.name }}: applied once at first start of the database (docker-entrypoint-initdb.d),
-- as the superuser, in the service's database. Later changes belong in migrations, not here.
CREATE TABLE IF NOT EXISTS items (
    id          BIGSERIAL PRIMARY KEY,
    name        VARCHAR(120)  NOT NULL CHECK (length(name) > 0),
    description VARCHAR(2000) NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ   NOT NULL DEFAULT now()
);

-- The application role may read and write items, nothing else.
GRANT USAGE ON SCHEMA public TO ${{ values.name | replace('-', '_') }}_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON items TO ${{ values.name | replace('-', '_') }}_app;
GRANT USAGE, SELECT ON SEQUENCE items_id_seq TO ${{ values.name | replace('-', '_') }}_app;
