-- unit_scores: one unit's score rows in every year and stage, with totals and eligibility.
-- Params: $unit_id.
SELECT s.*, 100.0 * s.total / r.total AS total_pct
FROM scores s JOIN rule_rubrics r USING (rubric)
WHERE s.unit_id = $unit_id ORDER BY s.year, s.stage;
