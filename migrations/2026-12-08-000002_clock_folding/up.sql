-- A clock that stood still many times keeps only its latest pauses; the working time up to the
-- end of the older ones is counted once and kept here ({"until": ..., "seconds": ...}), so a
-- ticket waiting on its requester over and over does not carry an ever longer list
-- (steward_domain::sla::Clock::fold).
ALTER TABLE ticket_clocks ADD COLUMN counted JSONB;
