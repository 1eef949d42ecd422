-- provenance: where every current score row came from (file, spreadsheet row, load, hash), and
-- value_history: every value a later load replaced, with the file and row it had come from.
CREATE OR REPLACE VIEW provenance AS
SELECT s.unit_id, s.province_code, s.instansi, s.unit, s.year, s.stage, s.load_id,
       l.loaded_at, l.loaded_by, s.file_name, s.source_row, f.sha256, f.is_sample
FROM stg_rekap s
JOIN loads l USING (load_id)
LEFT JOIN load_files f ON f.load_id = s.load_id AND f.file_name = s.file_name;

CREATE OR REPLACE VIEW value_history AS
SELECT province_code::VARCHAR || ':' || instansi_key || ':' || unit_key AS unit_id,
       h.* EXCLUDE (province_code, instansi_key, unit_key), l.loaded_at AS replaced_at
FROM rekap_history h JOIN loads l ON l.load_id = h.replaced_by_load;
