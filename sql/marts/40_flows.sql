-- marts.flows: country-to-country trafficking edges per report year, as the narratives name them.
-- One row per report year, origin, destination and reporting country (the narrative that names
-- the edge), with the first sentence that names it. A narrative saying "victims from X are
-- exploited here" gives X -> reporter; "victims from here are exploited in Y" gives reporter -> Y.
CREATE OR REPLACE TABLE marts.flows AS
WITH ranked AS (
    SELECT p.*,
        row_number() OVER (PARTITION BY report_year, origin_iso3, destination_iso3, country_iso3
                           ORDER BY start, "end", partner_name, direction, narrative_id) AS rk,
        count(*) OVER (PARTITION BY report_year, origin_iso3, destination_iso3, country_iso3) AS n_mentions
    FROM staging.partners p
)
SELECT
    e.report_year,
    e.origin_iso3,
    o.country                   AS origin_country,
    o.region                    AS origin_region,
    e.destination_iso3,
    d.country                   AS destination_country,
    d.region                    AS destination_region,
    e.country_iso3              AS reported_by_iso3,
    r.country                   AS reported_by_country,
    e.direction,
    e.partner_name              AS partner_as_printed,
    e.n_mentions,
    e.narrative_id,
    e.evidence,
    e.start                     AS evidence_start,
    e."end"                     AS evidence_end,
    e.source_url
FROM ranked e
LEFT JOIN marts.countries o ON o.country_iso3 = e.origin_iso3
LEFT JOIN marts.countries d ON d.country_iso3 = e.destination_iso3
LEFT JOIN marts.countries r ON r.country_iso3 = e.country_iso3
WHERE e.rk = 1
ORDER BY e.report_year, e.origin_iso3, e.destination_iso3, e.country_iso3;
