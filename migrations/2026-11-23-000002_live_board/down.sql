DROP TABLE access_changes;
DROP INDEX tickets_board;
ALTER TABLE tickets DROP COLUMN board_rank;
