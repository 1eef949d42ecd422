-- load_file_details: the files of one load with hash, rows, rubrics and the dialect detected.
-- At most $limit files are listed (a national LKE load has 20,000); files_in_load counts them all.
-- Params: $load_id, $limit.
SELECT f.file_name, f.sha256, f.kind, f.rows, f.rubrics, f.dialect, count(*) OVER () AS files_in_load
FROM load_history h, unnest(h.file_details) AS d(f)
WHERE h.load_id = $load_id AND f.file_name IS NOT NULL
ORDER BY f.file_name
LIMIT $limit;
