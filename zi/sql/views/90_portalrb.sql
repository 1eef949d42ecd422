-- unit_ids: every unit key's stable id (what PortalRB calls unit_id; etl/check/unit_ids.py), with the names of
-- its latest score row. Several keys share an id where a corrected name kept it.
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
-- WBBM conditions there, and how many of its LKE answers (unit's and TPI's) the warehouse holds for that year.
CREATE OR REPLACE VIEW usulan_units AS
SELECT i.stable_id, i.unit_id, u.province_code, p.nama AS province, u.instansi_key, i.instansi, i.unit, u.year, u.kategori,
       split_part(u.kategori, '-', 1) AS predicate, u.afirmasi,   -- PortalRB's categories: <predicate>[-AFIRMASI]
       s.total AS tpi_total, s.wbk_eligible, s.wbbm_eligible,
       coalesce(a.sa_answers, 0) AS sa_answers, coalesce(a.tpi_answers, 0) AS tpi_answers,
       u.load_id, u.file_name, u.source_row
FROM usulan u
JOIN unit_ids i ON i.unit_id = u.province_code::VARCHAR || ':' || u.instansi_key || ':' || u.unit_key
JOIN provinces_ref p ON p.code = u.province_code
LEFT JOIN scores s ON s.unit_id = i.unit_id AND s.year = u.year AND s.stage = 'TPI'
LEFT JOIN (
    SELECT province_code, instansi_key, unit_key, year, count(*) FILTER (stage = 'SA') AS sa_answers,
           count(*) FILTER (stage = 'TPI') AS tpi_answers
    FROM lke GROUP BY ALL
) a ON a.province_code = u.province_code AND a.instansi_key = u.instansi_key AND a.unit_key = u.unit_key
     AND a.year = u.year;

-- proposal_history: every proposal a later load replaced or withdrew (or a rollback took out), with the file and
-- row it had come from.
CREATE OR REPLACE VIEW proposal_history AS
SELECT h.province_code::VARCHAR || ':' || h.instansi_key || ':' || h.unit_key AS unit_id, i.stable_id, h.year,
       h.kategori, h.afirmasi, h.load_id, h.file_name, h.source_row, h.replaced_by_load, l.loaded_at AS replaced_at
FROM usulan_history h
JOIN loads l ON l.load_id = h.replaced_by_load
LEFT JOIN stable_ids i USING (province_code, instansi_key, unit_key);
