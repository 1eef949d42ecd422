-- unit_items: one unit's scored items (area, half, sub-area, result) per stage for a year.
-- Params: $unit_id, $year.
SELECT i.stage, i.rubric, i.level, i.code, i.area, i.half, i.parent, i.name, i.points, i.weight, i.pct
FROM score_items i WHERE i.unit_id = $unit_id AND i.year = $year
ORDER BY i.stage, i.level, i.code;
