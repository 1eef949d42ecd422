-- load_file_details: the files of one load with hash, rows, rubrics and the dialect detected.
-- Params: $load_id.
SELECT f.file_name, f.sha256, f.kind, f.rows, f.rubrics, f.dialect
FROM load_history h, unnest(h.file_details) AS d(f)
WHERE h.load_id = $load_id AND f.file_name IS NOT NULL
ORDER BY f.file_name;
