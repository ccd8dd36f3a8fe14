-- Files attached to requests, replies and notes (issue 14). The bytes live in the object store
-- (STEWARD_FILES: a directory, or S3) under store_key; this row says what the file is and what it
-- belongs to. A file is uploaded first (unattached: its uploader's alone) and attached when the
-- request or message it was chosen for is sent; unattached files are removed after a day. The
-- rules are steward_domain::files' and authz::can_read_attachment's.
CREATE TABLE attachments (
    id              BIGSERIAL PRIMARY KEY,
    store_key       TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- The type its uploader declared, and what Steward serves it as after looking at its bytes.
    declared_type   TEXT NOT NULL CHECK (length(declared_type) <= 200),
    served_type     TEXT NOT NULL,
    -- An image shown in place rather than downloaded.
    inline          BOOLEAN NOT NULL DEFAULT false,
    bytes           BIGINT NOT NULL CHECK (bytes >= 0),
    sha256          TEXT NOT NULL,
    -- An OpenPGP message made in the browser: the server never had the plaintext.
    encrypted       BOOLEAN NOT NULL DEFAULT false,
    uploaded_by     BIGINT NOT NULL REFERENCES people (id),
    uploaded_at     TIMESTAMPTZ NOT NULL,
    ticket_number   BIGINT REFERENCES tickets (number) ON DELETE CASCADE,
    -- The message it came with; none: the request itself.
    comment_id      BIGINT REFERENCES comments (id) ON DELETE CASCADE,
    -- On an internal note: the team's only.
    internal        BOOLEAN NOT NULL DEFAULT false,
    attached_at     TIMESTAMPTZ,
    CHECK ((ticket_number IS NULL) = (attached_at IS NULL)),
    CHECK (comment_id IS NULL OR ticket_number IS NOT NULL)
);
CREATE INDEX attachments_of_ticket ON attachments (ticket_number, id) WHERE ticket_number IS NOT NULL;
CREATE INDEX attachments_unattached ON attachments (uploaded_at) WHERE ticket_number IS NULL;
