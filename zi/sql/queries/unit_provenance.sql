-- unit_provenance: for one unit, where each year-stage row came from (file, row, load, hash).
-- Params: $unit_id.
SELECT year, stage, file_name, source_row, load_id, loaded_at, sha256, is_sample
FROM provenance WHERE unit_id = $unit_id ORDER BY year, stage;
