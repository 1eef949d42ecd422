-- units: every unit (province, instansi, unit) once, numbered; score_rows: every score row once,
-- numbered, with its unit number and rubric. The large marts key on `score_no`, an integer, instead
-- of three names, a year and a stage: that keeps them small to write at each load and quick to join.
-- `instansi_level`: a provincial government's own units, or a kabupaten/kota's (the pages' scope).
CREATE OR REPLACE VIEW units AS
SELECT (row_number() OVER (ORDER BY province_code, instansi_key, unit_key))::INTEGER AS unit_no,
       province_code, instansi_key, unit_key,
       province_code::VARCHAR || ':' || instansi_key || ':' || unit_key AS unit_id,
       CASE WHEN instansi_key LIKE 'pemprov%' OR instansi_key LIKE 'pemerintah provinsi%'
            THEN 'provinsi' ELSE 'kabupaten/kota' END AS instansi_level
FROM (SELECT DISTINCT province_code, instansi_key, unit_key FROM rekap);

CREATE OR REPLACE VIEW score_rows AS
SELECT (row_number() OVER (ORDER BY r.year, r.stage, u.unit_no))::INTEGER AS score_no,
       u.unit_no, r.year, r.stage, r.rubric
FROM rekap r JOIN units u USING (province_code, instansi_key, unit_key);
