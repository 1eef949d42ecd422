-- unit_ids: every unit key's stable id (what PortalRB calls unit_id; etl/check/unit_ids.py), with the names of
-- its latest score row. Several keys share an id where a corrected name kept it. Materialised at each load.
CREATE OR REPLACE VIEW unit_ids AS
SELECT s.stable_id, s.province_code::VARCHAR || ':' || s.instansi_key || ':' || s.unit_key AS unit_id, s.province_code,
       s.instansi_key, coalesce(r.instansi, s.instansi_key) AS instansi, coalesce(r.unit, s.unit_key) AS unit,
       s.source, s.file_name, s.assigned_load
FROM stable_ids s
LEFT JOIN (
    SELECT province_code, instansi_key, unit_key, arg_max(instansi, year) AS instansi, arg_max(unit, year) AS unit
    FROM rekap GROUP BY ALL
) r USING (province_code, instansi_key, unit_key);

-- usulan_units: the proposals to PortalRB (usulan.csv), one row per unit and year, with the unit's stable id and
-- names, the predicate proposed, and the unit's TPI score of that year: total, whether it meets the WBK and
-- WBBM conditions there, how many of its LKE answers (unit's and TPI's) the warehouse holds for that year, and
-- the shape of the file its own answers came from (`lampiran3`, `portalrb_template`, `portalrb_json`).
-- Materialised at each load (etl/write/warehouse.py): the API reads it on every request.
CREATE OR REPLACE VIEW usulan_units AS
SELECT i.stable_id, i.unit_id, u.province_code, p.nama AS province, u.instansi_key, i.instansi, i.unit, u.year, u.kategori,
       split_part(u.kategori, '-', 1) AS predicate, u.afirmasi,   -- PortalRB's categories: <predicate>[-AFIRMASI]
       s.total AS tpi_total, s.wbk_eligible, s.wbbm_eligible,
       coalesce(a.sa_answers, 0) AS sa_answers, coalesce(a.tpi_answers, 0) AS tpi_answers,
       json_extract_string(f.dialect, '$.bentuk') AS sa_shape,
       u.load_id, u.file_name, u.source_row
FROM usulan u
JOIN unit_ids i ON i.unit_id = u.province_code::VARCHAR || ':' || u.instansi_key || ':' || u.unit_key
JOIN provinces_ref p ON p.code = u.province_code
LEFT JOIN scores s ON s.unit_id = i.unit_id AND s.year = u.year AND s.stage = 'TPI'
LEFT JOIN (
    SELECT province_code, instansi_key, unit_key, year, count(*) FILTER (stage = 'SA') AS sa_answers,
           count(*) FILTER (stage = 'TPI') AS tpi_answers,
           any_value(load_id) FILTER (stage = 'SA') AS sa_load, any_value(file_name) FILTER (stage = 'SA') AS sa_file
    FROM lke GROUP BY ALL   -- one file holds a unit-year's answers of one stage (a later file replaces them all)
) a ON a.province_code = u.province_code AND a.instansi_key = u.instansi_key AND a.unit_key = u.unit_key
     AND a.year = u.year
LEFT JOIN load_files f ON f.load_id = a.sa_load AND f.file_name = a.sa_file;

-- proposal_history: every proposal a later load replaced or withdrew (or a rollback took out), with the file and
-- row it had come from.
CREATE OR REPLACE VIEW proposal_history AS
SELECT h.province_code::VARCHAR || ':' || h.instansi_key || ':' || h.unit_key AS unit_id, i.stable_id, h.year,
       h.kategori, h.afirmasi, h.load_id, h.file_name, h.source_row, h.replaced_by_load, l.loaded_at AS replaced_at
FROM usulan_history h
JOIN loads l ON l.load_id = h.replaced_by_load
LEFT JOIN stable_ids i USING (province_code, instansi_key, unit_key);

-- portalrb_answers: every proposed unit-year's LKE answers as PortalRB's `GET /lke/jawaban-unit/{id}` sends them,
-- one row per item of the PortalRB master list (rule_questions with a soal_id: every question and every
-- `Jumlah` input; a computed `%` item and LAMPIRAN III's stated totals have none). The unit's answers are the SA
-- stage, the TPI's the TPI stage, each in its standard form (option letter, Ya/Tidak, a number as text).
-- bukti_dukung_unit: the unit's evidence as recorded, except from a LAMPIRAN III workbook, whose evidence is a
-- description and a link (columns P and Q, recorded as `description; link`): PortalRB's field is the link, so
-- the links it holds are sent (the description where it holds none). Materialised at each load: the API reads
-- one unit's rows per request.
CREATE OR REPLACE VIEW portalrb_answers AS
WITH answers AS (
    SELECT l.province_code::VARCHAR || ':' || l.instansi_key || ':' || l.unit_key AS unit_id, l.year, l.stage, l.kode,
           l.jawaban_baku, l.catatan, l.bukti
    FROM lke l SEMI JOIN usulan u USING (province_code, instansi_key, unit_key, year)
    WHERE l.stage IN ('SA', 'TPI')
)
SELECT p.stable_id, p.unit_id, p.year, q.bank_order, q.soal_id, q.jenis,
       sa.jawaban_baku AS jawaban_unit, tpi.jawaban_baku AS jawaban_tpi, sa.catatan AS catatan_unit,
       CASE WHEN p.sa_shape = 'lampiran3'
            THEN coalesce(nullif(array_to_string(regexp_extract_all(sa.bukti, 'https?://[^\s;]+'), '; '), ''), sa.bukti)
            ELSE sa.bukti END AS bukti_dukung_unit,
       tpi.catatan AS catatan_tpi
FROM usulan_units p
CROSS JOIN (SELECT bank_order, soal_id, jenis, kode FROM rule_questions WHERE soal_id IS NOT NULL) q
LEFT JOIN answers sa ON sa.unit_id = p.unit_id AND sa.year = p.year AND sa.kode = q.kode AND sa.stage = 'SA'
LEFT JOIN answers tpi ON tpi.unit_id = p.unit_id AND tpi.year = p.year AND tpi.kode = q.kode AND tpi.stage = 'TPI';
