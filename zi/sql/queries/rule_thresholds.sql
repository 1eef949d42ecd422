-- rule_thresholds: thresholds per rubric and predicate, with provisional flags and sources; a
-- rubric without thresholds is listed so the page can say its eligibility is unknown.
SELECT r.rubric, r.name AS regulation, r.thresholds_confirmed, t.predicate, t.condition, t.minimum,
       t.provisional, s.description AS source,
       (SELECT string_agg(p.prior_predicate, ', ') FROM rule_prior p WHERE p.rubric = t.rubric AND p.predicate = t.predicate) AS requires_prior
FROM rule_rubrics r LEFT JOIN rule_thresholds t USING (rubric) LEFT JOIN rule_sources s ON s.source = t.source
ORDER BY r.rubric DESC, t.predicate, t.condition;
