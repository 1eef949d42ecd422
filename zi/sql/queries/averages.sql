-- averages: national and peer (selected provinces) means of the chosen stage's totals for a year.
-- Params: $year, $stage, $scope, $provinces (INTEGER[]).
SELECT CASE WHEN peer THEN 'Rata-rata provinsi terpilih' ELSE 'Rata-rata nasional (semua data)' END AS label,
       count(*) AS assessed, avg(s.total) AS mean_total, stddev_samp(s.total) AS std_total,
       avg(100.0 * s.total / r.total) AS mean_pct
FROM scores s JOIN rule_rubrics r USING (rubric)
CROSS JOIN (VALUES (false), (true)) AS v(peer)
WHERE s.year = $year AND s.stage = $stage AND ($scope = 'semua' OR s.instansi_level = $scope)
  AND (NOT peer OR list_contains($provinces::INTEGER[], s.province_code))
GROUP BY peer ORDER BY peer;
