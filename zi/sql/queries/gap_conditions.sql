-- gap_conditions: the failing conditions of one unit, year, stage and predicate, each with its value,
-- minimum and missing points (subject: the area, half or indicator checked).
-- Params: $unit_id, $year, $stage, $predicate.
SELECT condition, subject, value, minimum, missing
FROM score_conditions
WHERE unit_id = $unit_id AND year = $year AND stage = $stage AND predicate = $predicate AND NOT met
ORDER BY missing DESC;
