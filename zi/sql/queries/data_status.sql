-- data_status: what the footer of every page says: data as of, source files, sample or not.
-- Files are listed tables first (rekap, rincian), then LKE files (one per unit-year), each by name.
WITH kinds AS (
    SELECT f.file_name, bool_or(f.kind = 'lke') AS is_lke FROM (SELECT unnest(file_details) AS f FROM load_history) GROUP BY ALL
),
files AS (
    SELECT DISTINCT p.file_name, coalesce(k.is_lke, false) AS is_lke FROM provenance p LEFT JOIN kinds k USING (file_name)
)
SELECT (SELECT max(loaded_at) FROM provenance) AS loaded_at,
       count(*) AS file_count,
       string_agg(file_name, ', ' ORDER BY is_lke, file_name) AS files,
       (SELECT coalesce(bool_or(is_sample), false) FROM provenance) AS has_sample,
       (SELECT count(*) FROM provenance) AS score_rows
FROM files;
