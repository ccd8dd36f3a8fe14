-- A person's saved views of the ticket list: a name and the list's filters and order, kept as
-- the list's own URL query (the web app reads it; the server only keeps it). Staff may share a
-- view with the team; a view never widens what anyone sees, as every list applies the viewer's
-- own access.
CREATE TABLE saved_views (
    id         BIGSERIAL PRIMARY KEY,
    owner_id   BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    query      TEXT NOT NULL CHECK (length(query) <= 1000),
    shared     BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX saved_views_name ON saved_views (owner_id, lower(name));
CREATE INDEX saved_views_shared ON saved_views (shared) WHERE shared;
