-- item_gaps: for the chosen provinces, year and stage, every scored LKE item a unit answers (survey indices
-- are results, not answers: left out), with how many units gave it fully, and the points a unit gains on
-- average if it did (the item's weight x the mean shortfall of its value).
-- Params: $year, $stage, $scope, $provinces (INTEGER[]), $index_kind (the bank's survey-index type).
WITH counted AS (
    SELECT s.kode, sum(s.units) AS units, sum(s.full_units) AS full_units, sum(s.value_sum) / sum(s.units) AS mean_value
    FROM item_stats s
    WHERE s.year = $year AND s.stage = $stage AND ($scope = 'semua' OR s.instansi_level = $scope)
      AND list_contains($provinces::INTEGER[], s.province_code)
    GROUP BY ALL
)
SELECT q.kode, q.area, q.sub_area, q.sub_area_name, q.rules_sub_area, q.jenis, q.pertanyaan,
       c.units::INTEGER AS units, c.full_units::INTEGER AS full_units, 100.0 * c.full_units / c.units AS full_pct,
       c.mean_value, q.sub_area_weight / q.items_in_sub_area AS item_weight,
       q.sub_area_weight / q.items_in_sub_area * (1 - c.mean_value) AS recoverable
FROM counted c JOIN rule_questions q USING (kode)
WHERE q.scored AND q.jenis <> $index_kind
ORDER BY recoverable DESC, q.kode;
