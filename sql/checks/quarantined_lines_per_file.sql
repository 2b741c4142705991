-- A line can break several rules; it is one row of the file all the same.
SELECT source_sha256, count(DISTINCT line) AS rows_quarantined
FROM fitness.quarantine
GROUP BY source_sha256;
