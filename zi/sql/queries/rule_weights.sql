-- rule_weights: every weight of both rubrics as the rules file gives it, with the rubric's source.
SELECT i.rubric, r.name AS regulation, i.level, i.code, i.area, i.half, i.parent, i.name, i.weight, i.survey,
       r.provisional, s.description AS source
FROM rule_indicators i JOIN rule_rubrics r USING (rubric) LEFT JOIN rule_sources s ON s.source = r.source
ORDER BY i.rubric DESC, CASE i.level WHEN 'area' THEN 1 WHEN 'half' THEN 2 WHEN 'subarea' THEN 3 WHEN 'group' THEN 4 ELSE 5 END, i.code;
