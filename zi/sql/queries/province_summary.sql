-- province_summary: per province for one year: units building ZI (any stage row), units proposed
-- (a TPN row), predicates held (latest up to the year), and the chosen stage's totals as mean,
-- spread and % of maximum; rank by mean % of maximum (comparable across rubrics) and its change
-- against the previous year (positive = climbed).
-- Params: $year, $stage, $scope ('provinsi' | 'semua'), $provinces (INTEGER[] or NULL = all).
WITH base AS (
    SELECT s.*, 100.0 * s.total / r.total AS total_pct
    FROM scores s JOIN rule_rubrics r USING (rubric)
    WHERE ($scope = 'semua' OR s.instansi_level = $scope)
      AND ($provinces::INTEGER[] IS NULL OR list_contains($provinces::INTEGER[], s.province_code))
),
held AS (   -- latest predicate each unit held up to the year
    SELECT province_code, unit_id, arg_max(predikat, year) AS predikat
    FROM base WHERE year <= $year AND predikat IS NOT NULL GROUP BY ALL
),
activity AS (
    SELECT province_code, count(DISTINCT unit_id) AS units,
           count(DISTINCT unit_id) FILTER (WHERE stage = 'TPN') AS proposed
    FROM base WHERE year = $year GROUP BY ALL
),
stage_stats AS (
    SELECT province_code, year, count(*) AS assessed, avg(total) AS mean_total, stddev_samp(total) AS std_total,
           avg(total_pct) AS mean_pct, count(*) FILTER (WHERE wbk_eligible) AS eligible_wbk,
           count(*) FILTER (WHERE wbk_eligible IS NULL) AS eligibility_unknown
    FROM base WHERE stage = $stage AND year IN ($year, $year - 1) GROUP BY ALL
),
ranked AS (
    SELECT *, rank() OVER (PARTITION BY year ORDER BY mean_pct DESC) AS rank FROM stage_stats
)
SELECT p.code AS province_code, p.nama AS province, p.singkatan AS province_abbr,
       coalesce(a.units, 0) AS units, coalesce(a.proposed, 0) AS proposed,
       count(h.unit_id) FILTER (WHERE h.predikat = 'WBK') AS wbk,
       count(h.unit_id) FILTER (WHERE h.predikat = 'WBBM') AS wbbm,
       any_value(c.assessed) AS assessed, any_value(c.mean_total) AS mean_total,
       any_value(c.std_total) AS std_total, any_value(c.mean_pct) AS mean_pct,
       any_value(c.eligible_wbk) AS eligible_wbk, any_value(c.eligibility_unknown) AS eligibility_unknown,
       any_value(c.rank) AS rank, any_value(prev.rank) - any_value(c.rank) AS rank_change
FROM provinces_ref p
LEFT JOIN activity a ON a.province_code = p.code
LEFT JOIN held h ON h.province_code = p.code
LEFT JOIN ranked c ON c.province_code = p.code AND c.year = $year
LEFT JOIN ranked prev ON prev.province_code = p.code AND prev.year = $year - 1
WHERE a.units IS NOT NULL OR h.unit_id IS NOT NULL
GROUP BY ALL
ORDER BY rank NULLS LAST, province_code;
