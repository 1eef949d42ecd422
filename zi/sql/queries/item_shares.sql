-- item_shares: per chosen province, the share of its units that gave each scored LKE item fully (value 1),
-- for one year and stage: what Bandingkan Provinsi ranks by the difference between provinces.
-- Params: $year, $stage, $scope, $provinces (INTEGER[]).
WITH counted AS (
    SELECT s.province_code, s.kode, sum(s.units) AS units, sum(s.full_units) AS full_units
    FROM item_stats s
    WHERE s.year = $year AND s.stage = $stage AND ($scope = 'semua' OR s.instansi_level = $scope)
      AND list_contains($provinces::INTEGER[], s.province_code)
    GROUP BY ALL
)
SELECT c.province_code, pr.nama AS province, q.kode, q.area, q.sub_area_name, q.pertanyaan, q.bank_order,
       c.units::INTEGER AS units, c.full_units::INTEGER AS full_units, 100.0 * c.full_units / c.units AS full_pct
FROM counted c JOIN rule_questions q USING (kode) JOIN provinces_ref pr ON pr.code = c.province_code
WHERE q.scored
ORDER BY q.bank_order, c.province_code;
