-- proposal_candidates: the units of a province that may be proposed to PortalRB for a year, for the proposals
-- page: every unit with a TPI score that year meeting the WBK or WBBM conditions there, and every unit already
-- proposed that year; with its stable id, the proposal it has now and how many LKE answers PortalRB would get.
-- Params: $province, $year.
SELECT s.unit_id, i.stable_id, s.instansi, lower(s.instansi) AS instansi_key, s.unit, s.total AS tpi_total, s.wbk_eligible, s.wbbm_eligible,
       u.kategori, coalesce(u.afirmasi, false) AS afirmasi, u.kategori IS NOT NULL AS proposed,
       coalesce(u.sa_answers, a.sa_answers, 0) AS sa_answers, coalesce(u.tpi_answers, a.tpi_answers, 0) AS tpi_answers
FROM scores s
LEFT JOIN unit_ids i ON i.unit_id = s.unit_id   -- a warehouse loaded before ids existed gets them at its next load
LEFT JOIN usulan_units u ON u.unit_id = s.unit_id AND u.year = s.year
LEFT JOIN (
    SELECT unit_id, count(*) FILTER (stage = 'SA') AS sa_answers, count(*) FILTER (stage = 'TPI') AS tpi_answers
    FROM lke_answers WHERE year = $year GROUP BY unit_id
) a ON a.unit_id = s.unit_id
WHERE s.province_code = $province AND s.year = $year AND s.stage = 'TPI'
  AND (s.wbk_eligible OR s.wbbm_eligible OR u.kategori IS NOT NULL)
ORDER BY s.instansi, s.unit;
