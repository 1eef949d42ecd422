-- portalrb_units: what `GET /pengusulan/unit-wbk` (or `unit-wbbm`) lists for a year: the units proposed for the
-- predicate, by stable id, with PortalRB's field names. $every = true lists every instansi's units; otherwise
-- only those of the instansi keys in $instansi (a token limited to some instansi).
-- Params: $year, $predicate, $every, $instansi.
SELECT stable_id AS id, unit AS nama, kategori, afirmasi
FROM usulan_units
WHERE year = $year AND predicate = $predicate AND ($every OR list_contains($instansi, instansi_key))
ORDER BY stable_id;
