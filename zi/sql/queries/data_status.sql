-- data_status: what the footer of every page says: data as of, source files, sample or not.
SELECT max(loaded_at) AS loaded_at,
       count(DISTINCT file_name) AS file_count,
       string_agg(DISTINCT file_name, ', ' ORDER BY file_name) AS files,
       coalesce(bool_or(is_sample), false) AS has_sample,
       count(*) AS score_rows
FROM provenance;
