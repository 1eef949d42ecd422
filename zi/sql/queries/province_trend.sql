-- province_trend: per province and year at one stage: mean total in points and as % of maximum,
-- units assessed, units meeting every WBK / WBBM condition (NULL where thresholds are unknown).
-- Params: $stage, $scope, $provinces (INTEGER[]).
SELECT s.province_code, s.province, s.year, any_value(s.rubric) AS rubric,
       count(*) AS assessed, avg(s.total) AS mean_total, avg(100.0 * s.total / r.total) AS mean_pct,
       CASE WHEN bool_and(s.wbk_eligible IS NOT NULL) THEN count(*) FILTER (WHERE s.wbk_eligible) END AS eligible_wbk,
       CASE WHEN bool_and(s.wbbm_eligible IS NOT NULL) THEN count(*) FILTER (WHERE s.wbbm_eligible) END AS eligible_wbbm
FROM scores s JOIN rule_rubrics r USING (rubric)
WHERE s.stage = $stage AND ($scope = 'semua' OR s.instansi_level = $scope)
  AND list_contains($provinces::INTEGER[], s.province_code)
GROUP BY ALL ORDER BY s.province_code, s.year;
