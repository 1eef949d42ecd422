-- context_indices: published IRB, SPI and MCP figures with their sources (real data, not sample).
SELECT c.province_code, p.nama AS province, c.indeks, c.tahun, c.nilai, c.kategori, c.sumber, c.catatan
FROM context_indices c JOIN provinces_ref p ON p.code = c.province_code
ORDER BY c.indeks, c.province_code, c.tahun;
