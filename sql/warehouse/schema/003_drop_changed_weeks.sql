-- The warehouse no longer works out which weekly payloads a load changed: the payload layer
-- compares the bytes it builds with the files it stored (lib/payloads/store.py).
DROP TABLE IF EXISTS fitness.changed_weeks;
