-- area_achievement: per province and area, the mean achievement as % of the area's weight (so
-- 52/2014 and 90/2021 areas compare), plus a row per area for the selected provinces together.
-- Params: $year, $stage, $scope, $provinces (INTEGER[]).
WITH items AS (
    SELECT s.province_code, s.province, i.area, i.name AS area_name, i.points, i.weight, i.pct
    FROM score_items i
    JOIN scores s USING (unit_id, year, stage)
    WHERE i.level = 'area' AND s.year = $year AND s.stage = $stage
      AND ($scope = 'semua' OR s.instansi_level = $scope)
      AND list_contains($provinces::INTEGER[], s.province_code)
)
SELECT province_code, province, area, any_value(area_name) AS area_name, count(*) AS units,
       avg(points) AS mean_points, any_value(weight) AS weight, avg(pct) AS pct
FROM items GROUP BY ALL
UNION ALL
SELECT NULL, 'Rata-rata terpilih', area, any_value(area_name), count(*), avg(points), any_value(weight), avg(pct)
FROM items GROUP BY ALL
ORDER BY list_position($provinces::INTEGER[], province_code) NULLS LAST, area;  -- in the order chosen (the difference table subtracts the first)
