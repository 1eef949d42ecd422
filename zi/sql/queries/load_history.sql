-- load_history: the ledger, newest first.
SELECT load_id, loaded_at, loaded_by, rules_version, note, rekap_added, rekap_replaced,
       rincian_added, rincian_replaced, files, file_rows, is_sample
FROM load_history ORDER BY load_id DESC;
