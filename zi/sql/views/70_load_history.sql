-- load_history: the ledger, one row per load, with its files, hashes and counts.
CREATE OR REPLACE VIEW load_history AS
SELECT l.load_id, l.loaded_at, l.loaded_by, l.rules_version, l.note,
       l.rekap_added, l.rekap_replaced, l.rincian_added, l.rincian_replaced, l.lke_added, l.lke_replaced,
       string_agg(f.file_name, ', ' ORDER BY f.file_name) AS files,
       sum(f.rows) AS file_rows, bool_or(f.is_sample) AS is_sample,
       list(struct_pack(file_name := f.file_name, sha256 := f.sha256, kind := f.kind, rows := f.rows,
                        rubrics := f.rubrics, dialect := f.dialect) ORDER BY f.file_name) AS file_details
FROM loads l LEFT JOIN load_files f USING (load_id)
GROUP BY ALL;
