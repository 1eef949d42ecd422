-- load_replaced: the score rows one load replaced. Per key two rows: side 'lama' (the old values,
-- from value_history, with the file and row they had come from) and side 'baru' (what that load
-- wrote, still current or since replaced). zi.query.queries.load_changes pairs them per changed column.
-- A rollback writes no rows of its own: its keys have only the 'lama' side (the values it took out).
-- At most $limit keys are listed (an LKE load replaces tens of thousands); keys_in_load counts them all.
-- Params: $load_id, $limit.
WITH replaced AS (
    SELECT * EXCLUDE (replaced_at), count(*) OVER () AS keys_in_load FROM value_history WHERE replaced_by_load = $load_id
),
old AS (SELECT * FROM replaced ORDER BY unit_id, year, stage LIMIT $limit),
new AS (
    SELECT * FROM (
        SELECT * EXCLUDE (province_code, instansi_key, unit_key), NULL::INTEGER AS replaced_by_load
        FROM stg_rekap WHERE load_id = $load_id
        UNION ALL BY NAME
        SELECT * EXCLUDE (replaced_at) FROM value_history WHERE load_id = $load_id
    )
    -- after a rollback one written row can be both current and in the history: list it once
    QUALIFY row_number() OVER (PARTITION BY unit_id, year, stage ORDER BY replaced_by_load NULLS FIRST) = 1
)
SELECT 'lama' AS side, o.* FROM old o
UNION ALL BY NAME
SELECT 'baru' AS side, n.*, o.keys_in_load FROM new n JOIN old o USING (unit_id, year, stage)
ORDER BY unit_id, year, stage, side;
