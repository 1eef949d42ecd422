-- slope: each unit's total (% of maximum) in two years at one stage; units present in both.
-- Params: $stage, $scope, $provinces (INTEGER[]), $year_from, $year_to.
WITH t AS (
    SELECT s.unit_id, s.province_code, s.province, s.unit, s.year, 100.0 * s.total / r.total AS total_pct
    FROM scores s JOIN rule_rubrics r USING (rubric)
    WHERE s.stage = $stage AND ($scope = 'semua' OR s.instansi_level = $scope)
      AND list_contains($provinces::INTEGER[], s.province_code) AND s.year IN ($year_from, $year_to)
)
SELECT a.unit_id, a.province_code, a.province, a.unit, a.total_pct AS pct_from, b.total_pct AS pct_to,
       b.total_pct - a.total_pct AS change
FROM t a JOIN t b ON a.unit_id = b.unit_id AND a.year = $year_from AND b.year = $year_to
ORDER BY change DESC;
