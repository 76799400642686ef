-- marts.countries: every country or territory code of the panel (narratives, partners, agreements) and of
-- the region table tip/core/regions.py, with the display name and State Department region.
-- The build registers the region table as `seed_countries` before this file runs.
CREATE OR REPLACE TABLE marts.countries AS
WITH codes AS (
    SELECT country_iso3 FROM seed_countries
    UNION SELECT country_iso3 FROM staging.narratives
    UNION SELECT partner_iso3 FROM staging.partners
    UNION SELECT partner_iso3 FROM staging.agreements
),
rated AS (
    SELECT country_iso3, min(report_year) AS first_report_year, max(report_year) AS last_report_year,
           count(*) AS n_reports
    FROM staging.narratives
    GROUP BY country_iso3
)
SELECT
    c.country_iso3,
    s.country,
    s.region,
    s.region_name,
    r.country_iso3 IS NOT NULL            AS in_panel,
    r.first_report_year,
    r.last_report_year,
    coalesce(r.n_reports, 0)              AS n_reports
FROM codes c
JOIN seed_countries s USING (country_iso3)
LEFT JOIN rated r USING (country_iso3)
ORDER BY c.country_iso3;
