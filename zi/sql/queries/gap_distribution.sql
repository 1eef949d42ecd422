-- gap_distribution: per province, how many units meet the predicate or are one, two, or three or
-- more conditions away (and how many are unknown because their rubric has no thresholds).
-- Params: $year, $stage, $predicate, $scope, $provinces (INTEGER[]).
WITH per_unit AS (
    SELECT s.province_code, s.province, s.unit_id,
           count(c.condition) AS conditions, count(c.condition) FILTER (WHERE NOT c.met) AS failed
    FROM scores s
    LEFT JOIN score_conditions c ON c.unit_id = s.unit_id AND c.year = s.year AND c.stage = s.stage AND c.predicate = $predicate
    WHERE s.year = $year AND s.stage = $stage AND ($scope = 'semua' OR s.instansi_level = $scope)
      AND list_contains($provinces::INTEGER[], s.province_code)
    GROUP BY ALL
)
SELECT province_code, province,
       count(*) FILTER (WHERE conditions > 0 AND failed = 0) AS met_all,
       count(*) FILTER (WHERE failed = 1) AS one_away,
       count(*) FILTER (WHERE failed = 2) AS two_away,
       count(*) FILTER (WHERE failed >= 3) AS three_plus_away,
       count(*) FILTER (WHERE conditions = 0) AS unknown
FROM per_unit GROUP BY ALL ORDER BY province_code;
