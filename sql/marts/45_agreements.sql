-- marts.agreements: agreements with partner countries the narratives name (tip/parse/agreements.py):
-- one row per narrative, agreement and partner, with its kind, status, the year the sentence
-- states and the sentence itself. The same agreement named again in later reports gives one row
-- per report; first_report_year says when the panel first names that kind of agreement between
-- the two countries.
CREATE OR REPLACE TABLE marts.agreements AS
WITH a AS (
    SELECT a.*,
        row_number() OVER (PARTITION BY a.narrative_id
                           ORDER BY a.start, a.mention_start, a.partner_iso3, a.kind, a.status) AS seq
    FROM staging.agreements a
)
SELECT
    a.narrative_id || '#' || lpad(CAST(a.seq AS VARCHAR), 2, '0')      AS agreement_id,
    a.narrative_id,
    a.country_iso3,
    c.country,
    c.region,
    a.report_year,
    a.kind,
    a.status,
    a.partner_iso3,
    p.country                                                           AS partner_country,
    p.region                                                            AS partner_region,
    a.partner_name                                                      AS partner_as_printed,
    a.agreement_year,
    min(a.report_year) OVER (PARTITION BY a.country_iso3, a.partner_iso3, a.kind) AS first_report_year,
    substr(n.text, a.mention_start + 1, a.mention_end - a.mention_start) AS agreement_as_printed,
    a.evidence,
    a.start                                                             AS evidence_start,
    a."end"                                                             AS evidence_end,
    a.source_url
FROM a
JOIN staging.narratives n USING (narrative_id)
LEFT JOIN marts.countries c ON c.country_iso3 = a.country_iso3
LEFT JOIN marts.countries p ON p.country_iso3 = a.partner_iso3
ORDER BY a.narrative_id, a.seq;
