-- load_files: every file of every load with hash, rows, rubrics and the dialect detected.
SELECT h.load_id, h.loaded_at, f.file_name, f.sha256, f.kind, f.rows, f.rubrics, f.dialect
FROM load_history h, unnest(h.file_details) AS d(f)
ORDER BY h.load_id DESC, f.file_name;
