-- OpenPGP keys and sealed texts (issue 14). A key is the support team's (person_id NULL: several
-- may be active during a key change) or one person's own (at most one active). Texts sealed in
-- the browser are stored as the armored message exactly as it came, with the fingerprints of
-- the held keys that can read it; the server never has their plaintext. The rules are
-- steward_domain::openpgp's.
CREATE TABLE openpgp_keys (
    id              BIGSERIAL PRIMARY KEY,
    -- None: a key of the support team.
    person_id       BIGINT REFERENCES people (id),
    fingerprint     TEXT NOT NULL CHECK (fingerprint ~ '^[0-9A-F]{40}$'),
    -- The primary user id, as the key says it ("" without one).
    user_id         TEXT NOT NULL,
    -- The public key as it was added (armored).
    armored         TEXT NOT NULL CHECK (length(armored) <= 65536),
    -- The key ids (16 upper-case hex digits) of the parts Steward encrypts to: what a message
    -- names its recipients by.
    key_ids         TEXT[] NOT NULL,
    expires_at      TIMESTAMPTZ,
    added_by        BIGINT NOT NULL REFERENCES people (id),
    added_at        TIMESTAMPTZ NOT NULL,
    retired_by      BIGINT REFERENCES people (id),
    retired_at      TIMESTAMPTZ,
    CHECK ((retired_at IS NULL) = (retired_by IS NULL))
);
CREATE UNIQUE INDEX openpgp_keys_active_team ON openpgp_keys (fingerprint)
    WHERE person_id IS NULL AND retired_at IS NULL;
CREATE UNIQUE INDEX openpgp_keys_active_own ON openpgp_keys (person_id)
    WHERE person_id IS NOT NULL AND retired_at IS NULL;
CREATE INDEX openpgp_keys_by_fingerprint ON openpgp_keys (fingerprint);

-- A sealed reply or note: who can read it. Empty for a message in the clear.
ALTER TABLE comments ADD COLUMN sealed_for TEXT[] NOT NULL DEFAULT '{}';
