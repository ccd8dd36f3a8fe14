-- How to get support, as admins set it (seed 000): the contact channels, and where security
-- vulnerabilities go instead (never through support). One row.
CREATE TABLE support_policy (
    id                      BOOLEAN PRIMARY KEY DEFAULT true CHECK (id),
    -- How to reach support besides this app, e.g. an address and an escalation phone number.
    channels                TEXT NOT NULL DEFAULT '' CHECK (length(channels) <= 5000),
    -- Where to report a vulnerability, e.g. "security@example.org".
    security_contact        TEXT NOT NULL DEFAULT '' CHECK (length(security_contact) <= 500),
    -- What to include, how to encrypt it, what happens next.
    security_instructions   TEXT NOT NULL DEFAULT '' CHECK (length(security_instructions) <= 10000),
    updated_at              TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO support_policy (id) VALUES (true);
