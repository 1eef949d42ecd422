-- best_peer: the best unit of the same type (jenis_unit) in another province for the same year
-- and stage, by total as % of maximum; ties broken by name so the answer is stable.
-- Params: $unit_id, $year, $stage.
WITH me AS (SELECT province_code, jenis_unit FROM scores WHERE unit_id = $unit_id LIMIT 1)
SELECT s.unit_id, s.province, s.unit, s.jenis_unit, s.total, 100.0 * s.total / r.total AS total_pct, s.predikat
FROM scores s JOIN rule_rubrics r USING (rubric), me
WHERE s.year = $year AND s.stage = $stage AND s.province_code <> me.province_code
  AND s.jenis_unit IS NOT DISTINCT FROM me.jenis_unit
ORDER BY total_pct DESC, s.unit LIMIT 1;
