-- portalrb_unit: one stable id as `GET /lke/jawaban-unit/{id}` needs it: its instansi (for a limited token) and,
-- where the id is proposed in $year, the proposed key, its name and its LKE answer counts. No row: unknown id.
-- Params: $stable_id, $year.
SELECT i.stable_id, any_value(i.instansi_key) AS instansi_key, any_value(u.unit_id) AS unit_id,
       any_value(u.unit) AS unit, any_value(u.sa_answers) AS sa_answers, any_value(u.tpi_answers) AS tpi_answers
FROM unit_ids i
LEFT JOIN usulan_units u ON u.stable_id = i.stable_id AND u.year = $year
WHERE i.stable_id = $stable_id
GROUP BY i.stable_id;
