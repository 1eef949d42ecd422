-- calibration_units: unit-years assessed at more than one stage, with the total of each stage and
-- the differences SA - TPI and TPI - TPN (positive: the first stage scored more generously).
-- Params: $scope, $provinces (INTEGER[]), $year (INTEGER or NULL = every year).
SELECT s.province_code, s.province, s.unit_id, s.unit, s.year, any_value(s.rubric) AS rubric,
       max(s.total) FILTER (WHERE s.stage = 'SA') AS sa,
       max(s.total) FILTER (WHERE s.stage = 'TPI') AS tpi,
       max(s.total) FILTER (WHERE s.stage = 'TPN') AS tpn,
       sa - tpi AS sa_minus_tpi, tpi - tpn AS tpi_minus_tpn
FROM scores s
WHERE ($scope = 'semua' OR s.instansi_level = $scope) AND list_contains($provinces::INTEGER[], s.province_code)
  AND ($year::INTEGER IS NULL OR s.year = $year::INTEGER)
GROUP BY s.province_code, s.province, s.unit_id, s.unit, s.year
HAVING count(*) > 1
ORDER BY abs(coalesce(tpi_minus_tpn, 0)) DESC, abs(coalesce(sa_minus_tpi, 0)) DESC;
