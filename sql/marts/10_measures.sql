-- marts.measures: one row per extracted figure, tidy, with its evidence sentence and offsets.
-- `country_year_columns` names the marts.country_year columns that took their value from this
-- row, so every number of the wide mart can be traced to its sentence:
--   SELECT * FROM marts.measures WHERE list_contains(country_year_columns, 'convictions') AND narrative_id = 'KHM-2014'
--
-- Which figure the wide mart takes (per narrative, measure and sex/labor subtype):
--   * counts: among the current-period figures (is_prior_period = false), the one for the
--     reporting period (data_year = report_year - 1, or no year stated) wins over figures for
--     other years; among equals, the first printed;
--   * sentence_min_years: the smallest of sentence_min_years and sentence_years (single terms);
--     sentence_max_years: the largest of sentence_max_years and sentence_years; ties: first printed.
CREATE OR REPLACE TABLE marts.measures AS
WITH m AS (
    SELECT
        m.*,
        row_number() OVER (PARTITION BY m.narrative_id
                           ORDER BY m.start, m.value_start NULLS LAST, m.value_end, m.measure, m.subtype NULLS FIRST,
                                    m.value, m.is_prior_period, m.qualifier, m.period_label NULLS FIRST,
                                    m.unit NULLS FIRST, m.data_year NULLS FIRST, m.data_year_basis NULLS FIRST) AS seq
    FROM staging.measures m
),
counts AS (
    SELECT narrative_id, seq,
           measure || coalesce('_' || subtype, '') AS col,
           row_number() OVER (PARTITION BY narrative_id, measure, subtype
                              ORDER BY CASE WHEN data_year IS NULL OR data_year = report_year - 1 THEN 0 ELSE 1 END,
                                       seq) AS rk
    FROM m
    WHERE NOT is_prior_period
      AND (measure IN ('investigations', 'prosecutions', 'convictions', 'victims_identified')
           OR (measure IN ('arrests', 'potential_victims_identified') AND subtype IS NULL))
),
sent_min AS (
    SELECT narrative_id, seq, 'sentence_min_years' AS col,
           row_number() OVER (PARTITION BY narrative_id ORDER BY value, seq) AS rk
    FROM m
    WHERE NOT is_prior_period AND measure IN ('sentence_min_years', 'sentence_years')
),
sent_max AS (
    SELECT narrative_id, seq, 'sentence_max_years' AS col,
           row_number() OVER (PARTITION BY narrative_id ORDER BY value DESC, seq) AS rk
    FROM m
    WHERE NOT is_prior_period AND measure IN ('sentence_max_years', 'sentence_years')
),
picked AS (
    SELECT narrative_id, seq, list(col ORDER BY col) AS cols
    FROM (SELECT * FROM counts UNION ALL SELECT * FROM sent_min UNION ALL SELECT * FROM sent_max)
    WHERE rk = 1
    GROUP BY narrative_id, seq
)
SELECT
    m.narrative_id || '#' || lpad(CAST(m.seq AS VARCHAR), 3, '0')        AS measure_id,
    m.narrative_id,
    m.country_iso3,
    c.country,
    c.region,
    m.report_year,
    m.measure,
    m.subtype,
    m.value,
    m.unit,
    m.qualifier,
    m.period_label,
    m.data_year,
    m.data_year_basis,
    m.is_prior_period,
    m.parent_measure,
    m.parent_value,
    coalesce(p.cols, CAST([] AS VARCHAR[]))                               AS country_year_columns,
    substr(n.text, m.value_start + 1, m.value_end - m.value_start)        AS value_text,
    m.evidence,
    m.start                                                               AS evidence_start,
    m."end"                                                               AS evidence_end,
    m.value_start,
    m.value_end,
    m.source_url
FROM m
JOIN staging.narratives n USING (narrative_id)
LEFT JOIN marts.countries c ON c.country_iso3 = m.country_iso3
LEFT JOIN picked p ON p.narrative_id = m.narrative_id AND p.seq = m.seq
ORDER BY m.narrative_id, m.seq;
