-- national_awards: national WBK/WBBM award counts by year with their sources (real data).
SELECT tahun, unit_dievaluasi, wbk, wbbm, sumber, catatan FROM national_awards ORDER BY tahun;
