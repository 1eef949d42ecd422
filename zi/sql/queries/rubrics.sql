-- rubrics: the rubrics with their first year and totals (the rubric change is marked on charts).
SELECT rubric, name, first_year, total, pengungkit, hasil, has_halves, thresholds_confirmed,
       survey_scale_max, survey_provisional, provisional
FROM rule_rubrics ORDER BY first_year;
