-- unit_conditions: every WBK/WBBM condition for one unit and year, per stage, met or not.
-- Params: $unit_id, $year.
SELECT stage, rubric, predicate, condition, subject, value, minimum, met, missing
FROM score_conditions WHERE unit_id = $unit_id AND year = $year
ORDER BY stage, predicate, met, condition, subject;
