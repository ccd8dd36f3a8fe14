ALTER TABLE comments DROP COLUMN sealed_for;
DROP TABLE openpgp_keys;
