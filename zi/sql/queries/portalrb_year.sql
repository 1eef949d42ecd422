-- portalrb_year: the current proposal year, the latest year with a proposal (NULL while there is none).
SELECT max(year) AS year FROM usulan_units;
