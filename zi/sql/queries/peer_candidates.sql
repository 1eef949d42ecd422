-- peer_candidates: units in other provinces to learn from for one area: strong in that area,
-- similar (same jenis_unit, shared words in the name), improving, best of all recently at WBK.
-- The score and its weights come from data/rules.toml [kaji_tiru] (a product heuristic, provisional).
-- Params: $area, $year, $stage, $exclude_provinces (INTEGER[]), $learner_unit (VARCHAR or NULL),
--         $learner_jenis (VARCHAR or NULL), $stopwords (VARCHAR[]), $recent_years, $improve_scale,
--         $w_strength, $w_similar, $w_improve, $w_predicate, $limit.
WITH tokens AS (
    SELECT unit_id, list_distinct(list_filter(
               string_split(lower(regexp_replace(unit, '[^A-Za-z ]', ' ', 'g')), ' '),
               lambda w: length(w) > 2 AND NOT list_contains($stopwords::VARCHAR[], w))) AS words
    FROM (SELECT DISTINCT unit_id, unit FROM scores)
),
learner AS (
    SELECT list_distinct(list_filter(string_split(lower(regexp_replace(coalesce($learner_unit::VARCHAR, ''), '[^A-Za-z ]', ' ', 'g')), ' '),
                         lambda w: length(w) > 2 AND NOT list_contains($stopwords::VARCHAR[], w))) AS words
),
strong AS (
    SELECT s.unit_id, s.province_code, s.province, s.unit, s.jenis_unit, s.total, s.predikat, i.pct AS area_pct
    FROM scores s JOIN score_items i USING (unit_id, year, stage)
    WHERE s.year = $year AND s.stage = $stage AND i.level = 'area' AND i.area = $area
      AND NOT list_contains($exclude_provinces::INTEGER[], s.province_code)
),
change AS (   -- total as % of maximum now against the earliest year in the recent window
    SELECT s.unit_id, arg_max(100.0 * s.total / r.total, s.year) - arg_min(100.0 * s.total / r.total, s.year) AS gain,
           min(s.year) AS since
    FROM scores s JOIN rule_rubrics r USING (rubric)
    WHERE s.stage = $stage AND s.year BETWEEN $year - $recent_years AND $year
    GROUP BY ALL
),
held AS (
    SELECT unit_id, min(year) FILTER (WHERE predikat IN ('WBK', 'WBBM')) AS predicate_since,
           arg_max(predikat, year) FILTER (WHERE predikat IS NOT NULL) AS predicate
    FROM scores WHERE year <= $year GROUP BY ALL
),
scored AS (
    SELECT st.*, c.gain, c.since, h.predicate, h.predicate_since,
           coalesce(st.jenis_unit = $learner_jenis::VARCHAR, false) AS same_type,
           CASE WHEN len(l.words) = 0 THEN 0.0
                ELSE len(list_intersect(t.words, l.words)) / len(list_distinct(list_concat(t.words, l.words))) END AS name_similarity,
           list_intersect(t.words, l.words) AS shared_words,
           coalesce(h.predicate_since >= $year - $recent_years, false) AS recent_predicate
    FROM strong st JOIN tokens t USING (unit_id) CROSS JOIN learner l
    LEFT JOIN change c USING (unit_id) LEFT JOIN held h USING (unit_id)
)
SELECT *,
       $w_strength * area_pct / 100.0
     + $w_similar * (0.5 * same_type::INTEGER + name_similarity)
     + $w_improve * greatest(least(coalesce(gain, 0) / $improve_scale, 1.0), 0.0)
     + $w_predicate * recent_predicate::INTEGER AS score
FROM scored
ORDER BY score DESC, area_pct DESC, unit
LIMIT $limit;
