-- Quarantined lines stored for some exports. A line can break several rules; it is one row of
-- the file all the same.
SELECT DISTINCT source_sha256, line
FROM fitness.quarantine
WHERE source_sha256 = ANY(:shas);
