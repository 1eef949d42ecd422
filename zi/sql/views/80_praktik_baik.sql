-- praktik_baik: good practices with province name, the unit they belong to (unit_id, NULL for a
-- practice of the whole instansi), the area and sub-area names from the rules, and their source.
CREATE OR REPLACE VIEW praktik_baik AS
SELECT p.province_code, pr.nama AS province, p.instansi, p.unit,
       CASE WHEN p.unit_key IS NOT NULL THEN p.province_code::VARCHAR || ':' || p.instansi_key || ':' || p.unit_key END AS unit_id,
       p.year, p.area, a.name AS area_name, p.subarea, s.name AS subarea_name, p.practice, p.source, p.catatan,
       p.load_id, p.file_name, p.source_row
FROM practices p
JOIN provinces_ref pr ON pr.code = p.province_code
LEFT JOIN (SELECT code, any_value(name) AS name FROM rule_indicators WHERE level = 'area' GROUP BY code) a ON a.code = p.area
LEFT JOIN (SELECT code, any_value(name) AS name FROM rule_indicators WHERE level = 'subarea' GROUP BY code) s ON s.code = p.subarea;
