-- item_calibration: per LKE item and chosen province, how often the TPI lowered or raised a unit's own answer
-- (SA), and the TPN the TPI's, as shares of the units both stages scored, with the mean change in points.
-- Params: $scope, $provinces (INTEGER[]), $year (INTEGER or NULL = every year).
WITH counted AS (
    SELECT c.province_code, c.kode, sum(c.sa_tpi_units) AS sa_tpi_units, sum(c.tpi_lowered) AS tpi_lowered,
           sum(c.tpi_raised) AS tpi_raised, sum(c.tpi_change) AS tpi_change, sum(c.tpi_tpn_units) AS tpi_tpn_units,
           sum(c.tpn_lowered) AS tpn_lowered, sum(c.tpn_raised) AS tpn_raised, sum(c.tpn_change) AS tpn_change
    FROM item_calibration c
    WHERE ($scope = 'semua' OR c.instansi_level = $scope) AND list_contains($provinces::INTEGER[], c.province_code)
      AND ($year::INTEGER IS NULL OR c.year = $year::INTEGER)
    GROUP BY ALL
)
SELECT c.province_code, pr.nama AS province, q.kode, q.area, q.sub_area_name, q.pertanyaan, q.bank_order,
       c.sa_tpi_units::INTEGER AS sa_tpi_units,
       100.0 * c.tpi_lowered / nullif(c.sa_tpi_units, 0) AS tpi_lowered_pct,
       100.0 * c.tpi_raised / nullif(c.sa_tpi_units, 0) AS tpi_raised_pct,
       q.sub_area_weight / q.items_in_sub_area * c.tpi_change / nullif(c.sa_tpi_units, 0) AS tpi_change_points,
       c.tpi_tpn_units::INTEGER AS tpi_tpn_units,
       100.0 * c.tpn_lowered / nullif(c.tpi_tpn_units, 0) AS tpn_lowered_pct,
       100.0 * c.tpn_raised / nullif(c.tpi_tpn_units, 0) AS tpn_raised_pct,
       q.sub_area_weight / q.items_in_sub_area * c.tpn_change / nullif(c.tpi_tpn_units, 0) AS tpn_change_points
FROM counted c JOIN rule_questions q USING (kode) JOIN provinces_ref pr ON pr.code = c.province_code
WHERE q.scored
ORDER BY tpi_lowered_pct DESC NULLS LAST, q.bank_order, c.province_code;
