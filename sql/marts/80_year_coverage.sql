-- marts.year_coverage: per report year, whether the panel holds the whole year and why not.
-- From meta.year_fetches (what each year's last fetch found: index, linked pages, answers), the
-- stored bodies (raw.documents), what the parser made of them (staging) and the panel itself.
CREATE OR REPLACE TABLE marts.year_coverage AS
WITH f AS (
    SELECT * FROM meta.year_fetches
),
years AS (
    SELECT report_year FROM f
    UNION
    SELECT DISTINCT report_year FROM staging.narratives
),
links AS (
    SELECT report_year, unnest(linked_pages) AS url FROM f
),
narrative_pages AS (
    SELECT source_url AS url, count(*) AS n FROM staging.narratives GROUP BY ALL
),
rejected_pages AS (
    SELECT input AS url FROM staging.rejects WHERE stage IN ('parse', 'load', 'validate') GROUP BY ALL
),
pages AS (
    SELECT l.report_year,
           count(*) FILTER (WHERE np.url IS NOT NULL)                       AS pages_parsed,
           count(*) FILTER (WHERE np.url IS NULL AND rp.url IS NOT NULL)    AS pages_rejected
    FROM links l
    LEFT JOIN narrative_pages np USING (url)
    LEFT JOIN rejected_pages rp USING (url)
    GROUP BY ALL
),
rej AS (
    SELECT report_year, count(*) AS rejects,
           list(DISTINCT input || ': ' || reason ORDER BY input || ': ' || reason) AS rejected_reasons
    FROM staging.rejects
    WHERE stage IN ('parse', 'load', 'validate') AND report_year IS NOT NULL
    GROUP BY ALL
),
nar AS (
    SELECT report_year, count(*) AS narratives FROM staging.narratives GROUP BY ALL
),
cy AS (
    SELECT report_year, count(*) AS country_years FROM marts.country_year GROUP BY ALL
)
SELECT
    y.report_year,
    CASE WHEN f.report_year IS NULL THEN 'not fetched'
         WHEN f.unreachable IS NOT NULL THEN 'unreachable'
         WHEN f."partial" IS NOT NULL THEN 'partial'
         ELSE 'complete' END                                 AS status,
    coalesce(f.unreachable, f."partial")                     AS why_not_complete,
    f.index_url,
    f.index_result,
    f.index_error,
    coalesce(f.pages_linked, 0)                              AS pages_linked,
    coalesce(f.pages_fetched, 0)                             AS pages_fetched,
    coalesce(f.pages_unchanged, 0)                           AS pages_unchanged,
    coalesce(f.pages_not_found, 0)                           AS pages_not_found,
    coalesce(f.pages_failed, 0)                              AS pages_failed,
    coalesce(p.pages_parsed, 0)                              AS pages_parsed,
    coalesce(p.pages_rejected, 0)                            AS pages_rejected,
    coalesce(rej.rejects, 0)                                 AS rejects,
    coalesce(rej.rejected_reasons, [])                       AS rejected_reasons,
    coalesce(f.missing_pages, [])                            AS missing_pages,
    coalesce(nar.narratives, 0)                              AS narratives,
    coalesce(cy.country_years, 0)                            AS country_years,
    f.checked_at,
    f.run_id
FROM years y
LEFT JOIN f USING (report_year)
LEFT JOIN pages p USING (report_year)
LEFT JOIN rej USING (report_year)
LEFT JOIN nar USING (report_year)
LEFT JOIN cy USING (report_year)
ORDER BY y.report_year;
