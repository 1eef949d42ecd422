-- unit_totals: every unit's total for one year and stage, also as % of the rubric's maximum.
-- Params: $year, $stage, $scope, $provinces (INTEGER[]).
SELECT s.unit_id, s.province_code, s.province, s.instansi, s.unit, s.jenis_unit, s.rubric,
       s.pengungkit, s.hasil, s.total, 100.0 * s.total / r.total AS total_pct,
       s.predikat, s.wbk_eligible, s.wbbm_eligible
FROM scores s JOIN rule_rubrics r USING (rubric)
WHERE s.year = $year AND s.stage = $stage AND ($scope = 'semua' OR s.instansi_level = $scope)
  AND list_contains($provinces::INTEGER[], s.province_code)
ORDER BY s.province_code, s.total DESC;
