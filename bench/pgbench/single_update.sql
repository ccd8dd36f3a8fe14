-- For reference: the cheapest write, one row UPDATE in its own transaction.
\set n :first + :client_id
UPDATE tickets SET updated_at = now() WHERE number = :n;
