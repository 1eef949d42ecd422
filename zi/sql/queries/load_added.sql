-- load_added: the score rows one load added (keys the warehouse did not hold before it), still
-- current (stg_rekap) or since replaced by a later load (value_history), with file and row.
-- A row the load wrote over an older value of the same key is a replacement: see load_replaced.
-- At most $limit rows are listed (a national load adds 100k+); rows_in_load counts them all.
-- Params: $load_id, $limit.
WITH written AS (
    SELECT * FROM (
        SELECT * EXCLUDE (province_code, instansi_key, unit_key), NULL::INTEGER AS replaced_by_load
        FROM stg_rekap WHERE load_id = $load_id
        UNION ALL BY NAME
        SELECT * EXCLUDE (replaced_at) FROM value_history WHERE load_id = $load_id
    )
    -- after a rollback one written row can be both current and in the history: list it once
    QUALIFY row_number() OVER (PARTITION BY unit_id, year, stage ORDER BY replaced_by_load NULLS FIRST) = 1
)
SELECT p.nama AS province, w.*, count(*) OVER () AS rows_in_load
FROM written w
JOIN provinces_ref p ON p.code = CAST(split_part(w.unit_id, ':', 1) AS INTEGER)
ANTI JOIN value_history h
    ON h.unit_id = w.unit_id AND h.year = w.year AND h.stage = w.stage AND h.replaced_by_load = $load_id
ORDER BY w.file_name, w.source_row
LIMIT $limit;
