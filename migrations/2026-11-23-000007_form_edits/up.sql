-- Admins' edits of the request forms (seed 000: templates for common support issues). A type
-- without a row uses the form Steward ships; deleting the row restores it.
CREATE TABLE request_form_edits (
    request_type            TEXT PRIMARY KEY CHECK (request_type IN ('incident', 'change_request',
                                'guidance_request', 'workshop_request', 'add_remove_user',
                                'problem_troubleshooting', 'other')),
    description             TEXT NOT NULL CHECK (length(description) BETWEEN 1 AND 500),
    confidential_by_default BOOLEAN NOT NULL,
    -- [{"key", "label", "help", "required", "kind"}], in the order asked.
    fields                  JSONB NOT NULL,
    updated_by              BIGINT REFERENCES people (id) ON DELETE SET NULL,
    updated_at              TIMESTAMPTZ NOT NULL DEFAULT now()
);
