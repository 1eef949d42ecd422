-- rule_checks: every WBK/WBBM condition the rules set, once per rubric, predicate and item checked,
-- numbered, with its minimum in points. `area_pct` becomes one check per area and per half (the %
-- threshold × the item's weight: which of the two applies depends on the score row, see
-- condition_values); `prior` (an earlier predicate of the same unit, rule_prior) has minimum 1.
-- Materialised at each load, so the numbers stored in condition_values keep their meaning.
CREATE OR REPLACE VIEW rule_checks AS
SELECT (row_number() OVER (ORDER BY rubric, predicate, condition, subject))::SMALLINT AS check_no, *
FROM (
    SELECT rubric, predicate, condition, condition AS subject, minimum
    FROM rule_thresholds WHERE condition <> 'area_pct'
    UNION ALL
    SELECT t.rubric, t.predicate, t.condition, i.code, t.minimum / 100.0 * i.weight
    FROM rule_thresholds t JOIN rule_indicators i ON i.rubric = t.rubric AND i.level IN ('area', 'half')
    WHERE t.condition = 'area_pct'
    UNION ALL
    SELECT DISTINCT rubric, predicate, 'prior', 'prior', 1.0 FROM rule_prior
);
