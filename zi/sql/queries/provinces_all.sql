-- provinces_all: the 38 provinces (data/provinces.csv), for a form that names a province not yet in the data.
SELECT code AS province_code, nama AS province, singkatan AS province_abbr FROM provinces_ref ORDER BY code;
