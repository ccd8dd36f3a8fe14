-- One card move (BoardService.MoveCard to the bottom of another column), statement for statement
-- as Steward runs it, for pgbench to run side by side with the API (`cargo xtask bench`).
-- Variables: :first (the first bench ticket), :client_id (:token, a session token hash, is unused).
-- The SQL is copied from the PostgreSQL log of one move (log_statement = all).
\set n :first + :client_id

-- auth.rs `authenticate` reads the caller's session from the per-process cache
-- (backend/src/session_cache.rs): after the first call, a move runs no session query.

-- services/board.rs `move_card`: one transaction.
BEGIN;
-- tickets::find_for_update and tickets::bottom_rank (pipelined by the API). The target column is
-- the other of In progress and Pending.
SELECT "tickets"."number", "tickets"."community_id", "tickets"."requester_id", "tickets"."request_type",
       "tickets"."priority", "tickets"."state", "tickets"."title", "tickets"."description",
       "tickets"."confidential", "tickets"."assignee_id", "tickets"."form_answers", "tickets"."version",
       "tickets"."created_at", "tickets"."updated_at", "tickets"."resolved_at", "tickets"."closed_at",
       "tickets"."board_rank", "tickets"."priority_flags", "tickets"."acknowledged_at",
       "tickets"."timebox_started_at", "tickets"."released_in", "tickets"."scheduled_for",
       CASE "tickets"."state" WHEN 'in_progress' THEN 'pending' ELSE 'in_progress' END AS target,
       CASE "tickets"."state" WHEN 'in_progress' THEN 1 ELSE 0 END AS to_pending
  FROM "tickets" WHERE ("tickets"."number" = :n) LIMIT 1 FOR UPDATE \gset
SELECT coalesce(max("tickets"."board_rank"), 0) + 1 AS rank FROM "tickets"
 WHERE (("tickets"."state" = :target) AND ("tickets"."number" != :n)) LIMIT 1 \gset
-- tickets::apply
UPDATE "tickets" SET "state" = :target, "board_rank" = :rank, "version" = ("tickets"."version" + 1),
       "updated_at" = CURRENT_TIMESTAMP, "resolved_at" = NULL, "closed_at" = NULL
 WHERE (("tickets"."number" = :n) AND ("tickets"."version" = :version))
RETURNING "tickets"."number", "tickets"."community_id", "tickets"."requester_id", "tickets"."request_type",
       "tickets"."priority", "tickets"."state", "tickets"."title", "tickets"."description",
       "tickets"."confidential", "tickets"."assignee_id", "tickets"."form_answers", "tickets"."version",
       "tickets"."created_at", "tickets"."updated_at", "tickets"."resolved_at", "tickets"."closed_at",
       "tickets"."board_rank", "tickets"."priority_flags", "tickets"."acknowledged_at",
       "tickets"."timebox_started_at", "tickets"."released_in", "tickets"."scheduled_for";
-- events::record -> events::append
INSERT INTO "ticket_events" ("ticket_number", "community_id", "actor_id", "kind", "internal", "data")
VALUES (:n, :community_id, :requester_id, 'transitioned', false,
        '{"action": "start", "from": "pending", "to": "in_progress", "reason": null}')
RETURNING "ticket_events"."id", "ticket_events"."ticket_number", "ticket_events"."community_id",
       "ticket_events"."actor_id", "ticket_events"."kind", "ticket_events"."internal", "ticket_events"."data",
       "ticket_events"."at";
-- usecases/service_levels.rs `observe` (issue 12): between In progress and Pending the
-- resolution clock stands still or runs again. The ticket's clocks and the goals' revision
-- (pipelined by the API), then three writes sent together: the clock, its two jobs (dropped
-- while it stands still, scheduled when it runs), and the summary cards show.
SELECT "ticket_clocks".* FROM "ticket_clocks" WHERE ("ticket_clocks"."ticket_number" = :n)
 ORDER BY "ticket_clocks"."started_at", "ticket_clocks"."kind", "ticket_clocks"."cycle";
SELECT current_database(), "sla_settings"."revision" FROM "sla_settings" LIMIT 1;
INSERT INTO "ticket_clocks" AS c ("ticket_number", "kind", "cycle", "priority", "started_at", "pauses", "met_at",
       "stopped_at", "target", "calendar_id", "due_at", "warn_at", "remaining_seconds", "warned_at", "breached_at")
SELECT "ticket_number", "kind", "cycle", "priority", "started_at", "pauses", "met_at", "stopped_at", "target",
       "calendar_id", "due_at", "warn_at", "remaining_seconds", "warned_at", "breached_at"
  FROM "ticket_clocks" WHERE "ticket_number" = :n AND "kind" = 'resolution'
ON CONFLICT ("ticket_number", "kind", "cycle") DO UPDATE SET "priority" = excluded."priority",
       "pauses" = excluded."pauses", "met_at" = excluded."met_at", "stopped_at" = excluded."stopped_at",
       "target" = excluded."target", "calendar_id" = excluded."calendar_id", "due_at" = excluded."due_at",
       "warn_at" = excluded."warn_at", "remaining_seconds" = excluded."remaining_seconds",
       "warned_at" = excluded."warned_at", "breached_at" = excluded."breached_at";
\if :to_pending
DELETE FROM jobs WHERE done_at IS NULL AND (ticket_number, clock_kind, cycle, kind)
    IN ((:n, 'resolution', 1, 'clock_warning'), (:n, 'resolution', 1, 'clock_due'));
\else
INSERT INTO "jobs" ("kind", "ticket_number", "clock_kind", "cycle", "run_at", "created_at")
VALUES ('clock_warning', :n, 'resolution', 1, now() + interval '5 days', now()),
       ('clock_due', :n, 'resolution', 1, now() + interval '7 days', now())
ON CONFLICT ("ticket_number", "clock_kind", "cycle", "kind") DO UPDATE SET "run_at" = excluded."run_at",
       "attempts" = 0, "last_error" = NULL, "done_at" = NULL, "outcome" = NULL;
\endif
UPDATE "tickets" SET "clocks" = "tickets"."clocks", "next_due_at" = now() + interval '1 day' WHERE "tickets"."number" = :n;
COMMIT;

-- services/board.rs `encode_cards`: the card's community and assignee (pipelined by the API).
SELECT "communities"."id", "communities"."slug", "communities"."name" FROM "communities"
 WHERE ("communities"."id" = ANY(ARRAY[:community_id]::bigint[])) ORDER BY "communities"."name";
SELECT "people"."id", "people"."email", "people"."display_name", "people"."staff_role" FROM "people"
 WHERE ("people"."id" = ANY(ARRAY[]::bigint[]));
