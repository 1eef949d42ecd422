-- units: every unit (province, instansi, unit) once, numbered. The large marts key on `unit_no`, an
-- integer, instead of three names: that keeps them small to write at each load and quick to join.
CREATE OR REPLACE VIEW units AS
SELECT (row_number() OVER (ORDER BY province_code, instansi_key, unit_key))::INTEGER AS unit_no,
       province_code, instansi_key, unit_key,
       province_code::VARCHAR || ':' || instansi_key || ':' || unit_key AS unit_id
FROM (SELECT DISTINCT province_code, instansi_key, unit_key FROM rekap);
