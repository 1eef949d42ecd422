-- calibration_areas: per province and area, the mean difference between stages for the same
-- unit-year, in percentage points of the area's weight, and the mean absolute TPI - TPN gap.
-- Params: $scope, $provinces (INTEGER[]), $year (INTEGER or NULL = every year).
WITH a AS (
    SELECT s.province_code, s.province, i.unit_id, i.year, i.area,
           max(i.pct) FILTER (WHERE i.stage = 'SA') AS sa,
           max(i.pct) FILTER (WHERE i.stage = 'TPI') AS tpi,
           max(i.pct) FILTER (WHERE i.stage = 'TPN') AS tpn
    FROM score_items i JOIN scores s USING (unit_id, year, stage)
    WHERE i.level = 'area' AND ($scope = 'semua' OR s.instansi_level = $scope)
      AND list_contains($provinces::INTEGER[], s.province_code)
      AND ($year::INTEGER IS NULL OR i.year = $year::INTEGER)
    GROUP BY ALL
)
SELECT province_code, province, area,
       avg(sa - tpi) AS sa_minus_tpi, avg(tpi - tpn) AS tpi_minus_tpn, avg(abs(tpi - tpn)) AS tpi_tpn_gap,
       count(sa - tpi) AS pairs_sa_tpi, count(tpi - tpn) AS pairs_tpi_tpn
FROM a GROUP BY ALL ORDER BY province_code, area;
