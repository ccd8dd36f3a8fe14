-- The support duty roster (seed 002): who is on duty when, as admins set it. The automatic
-- rotation comes later; assignment suggestions read this.
CREATE TABLE support_duty (
    id          BIGSERIAL PRIMARY KEY,
    person_id   BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    -- The first day on duty and the first day after it.
    starts_on   DATE NOT NULL,
    ends_on     DATE NOT NULL CHECK (ends_on > starts_on),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX support_duty_days ON support_duty (starts_on, ends_on);
