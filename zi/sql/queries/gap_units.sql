-- gap_units: for one year, stage and predicate, every unit of the chosen provinces with the
-- conditions it fails (the binding constraints) and the points still missing for each.
-- Units whose rubric has no confirmed thresholds appear with conditions_failed NULL (unknown).
-- Params: $year, $stage, $predicate ('WBK' | 'WBBM'), $scope, $provinces (INTEGER[]).
WITH units AS (
    SELECT s.unit_id, s.province_code, s.province, s.province_abbr, s.unit, s.jenis_unit, s.rubric, s.total, s.predikat
    FROM scores s
    WHERE s.year = $year AND s.stage = $stage AND ($scope = 'semua' OR s.instansi_level = $scope)
      AND list_contains($provinces::INTEGER[], s.province_code)
),
failing AS (
    SELECT unit_id, count(*) FILTER (WHERE NOT met) AS conditions_failed,
           sum(missing) FILTER (WHERE NOT met AND condition <> 'prior') AS points_missing,
           bool_or(NOT met AND condition = 'prior') AS needs_prior,
           string_agg(CASE WHEN NOT met THEN CASE WHEN condition = 'area_pct' THEN subject ELSE condition END END, ', '
                      ORDER BY missing DESC, condition, subject) AS blocked_by  -- ties in a fixed order
    FROM score_conditions
    WHERE year = $year AND stage = $stage AND predicate = $predicate
      AND unit_id IN (SELECT unit_id FROM units)   -- only the chosen units, not the whole year
    GROUP BY unit_id
)
SELECT u.*, f.conditions_failed, coalesce(f.points_missing, 0) AS points_missing, f.needs_prior, f.blocked_by
FROM units u LEFT JOIN failing f USING (unit_id)
ORDER BY f.conditions_failed NULLS LAST, points_missing, u.total DESC, u.province_code, u.unit;
