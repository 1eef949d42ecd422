-- unit_trend: every unit's total per year at one stage, in points and as % of maximum.
-- Params: $stage, $scope, $provinces (INTEGER[]).
SELECT s.unit_id, s.province_code, s.province, s.unit, s.unit || ' (' || s.province_abbr || ')' AS label, s.jenis_unit, s.year, s.rubric,
       s.total, 100.0 * s.total / r.total AS total_pct, s.predikat, s.wbk_eligible
FROM scores s JOIN rule_rubrics r USING (rubric)
WHERE s.stage = $stage AND ($scope = 'semua' OR s.instansi_level = $scope)
  AND list_contains($provinces::INTEGER[], s.province_code)
ORDER BY s.province_code, s.unit, s.year;
