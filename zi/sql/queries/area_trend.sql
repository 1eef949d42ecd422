-- area_trend: per province, year and area, the mean achievement as % of weight (small multiples).
-- Params: $stage, $scope, $provinces (INTEGER[]).
SELECT s.province_code, s.province, s.year, i.area, avg(i.pct) AS pct, count(*) AS units,
       any_value(s.rubric) AS rubric
FROM score_items i JOIN scores s USING (unit_id, year, stage)
WHERE i.level = 'area' AND s.stage = $stage AND ($scope = 'semua' OR s.instansi_level = $scope)
  AND list_contains($provinces::INTEGER[], s.province_code)
GROUP BY ALL ORDER BY s.province_code, s.year, i.area;
