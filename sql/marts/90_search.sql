-- Full-text search over the narratives, in plain DuckDB SQL (schema `search`).
--
-- DuckDB's own `fts` extension cannot be used here: DuckDB 2.0.1 (the version this project pins)
-- does not bundle it, extensions cannot be downloaded at build time, and the extension wheels
-- on PyPI are built for DuckDB <= 1.5.5, which 2.0.1 refuses to load. So this file builds the
-- same structure the extension builds (documents, an inverted index of stemmed terms, document
-- frequencies, collection statistics) and the same kind of BM25 macro, with nothing but SQL.
-- The tables and macros live in the published file, so any DuckDB >= 1.4 can search it:
--
--   SELECT * FROM search.narratives('debt bondage');                -- ranked, with snippets
--   SELECT * FROM search.narratives('forced labor', year := 2014);
--   SELECT narrative_id, search.match_bm25(narrative_id, 'debt bondage') AS score
--   FROM marts.country_year WHERE score IS NOT NULL ORDER BY score DESC;  -- like fts's match_bm25
--
-- Text analysis (the same for documents and queries): lower case, accents stripped, split on
-- anything that is not a letter or digit, one-letter tokens and English stop words dropped, then
-- a light English stemmer (Porter's steps 1a, 1b, 1c and 5a: plurals, -ed, -ing, -y, final -e).
-- Scoring: Okapi BM25 with k1 = 1.2, b = 0.75 and idf = ln(1 + (N - df + 0.5) / (df + 0.5)).

CREATE SCHEMA IF NOT EXISTS search;

-- Porter's measure m (the number of vowel-consonant sequences), approximately.
CREATE OR REPLACE MACRO search.vc_count(w) AS
    len(regexp_extract_all(regexp_replace(w, '^y', 'c'), '[aeiouy]+[^aeiouy]+'));

CREATE OR REPLACE MACRO search.stem_1a(w) AS CASE
    WHEN suffix(w, 'sses') THEN substr(w, 1, length(w) - 2)
    WHEN suffix(w, 'ies') THEN substr(w, 1, length(w) - 2)
    WHEN suffix(w, 'ss') OR suffix(w, 'us') OR suffix(w, 'is') THEN w
    WHEN suffix(w, 's') AND length(w) > 3 THEN substr(w, 1, length(w) - 1)
    ELSE w END;

CREATE OR REPLACE MACRO search.stem_1b_tidy(s) AS CASE
    WHEN suffix(s, 'at') OR suffix(s, 'bl') OR suffix(s, 'iz') THEN s || 'e'
    WHEN length(s) >= 2 AND right(s, 1) = substr(s, length(s) - 1, 1) AND NOT contains('aeioulsz', right(s, 1))
        THEN substr(s, 1, length(s) - 1)
    WHEN search.vc_count(s) = 1 AND regexp_matches(s, '[^aeiou][aeiouy][^aeiouwxy]$') THEN s || 'e'
    ELSE s END;

CREATE OR REPLACE MACRO search.stem_1b(w) AS CASE
    WHEN suffix(w, 'eed') THEN
        CASE WHEN search.vc_count(substr(w, 1, length(w) - 3)) > 0 THEN substr(w, 1, length(w) - 1) ELSE w END
    WHEN suffix(w, 'ed') AND regexp_matches(substr(w, 1, length(w) - 2), '[aeiouy]')
        THEN search.stem_1b_tidy(substr(w, 1, length(w) - 2))
    WHEN suffix(w, 'ing') AND regexp_matches(substr(w, 1, length(w) - 3), '[aeiouy]')
        THEN search.stem_1b_tidy(substr(w, 1, length(w) - 3))
    ELSE w END;

CREATE OR REPLACE MACRO search.stem_1c(w) AS CASE
    WHEN suffix(w, 'y') AND regexp_matches(substr(w, 1, length(w) - 1), '[aeiou]') THEN substr(w, 1, length(w) - 1) || 'i'
    ELSE w END;

CREATE OR REPLACE MACRO search.stem_5a(w) AS CASE
    WHEN suffix(w, 'e') AND (search.vc_count(substr(w, 1, length(w) - 1)) > 1
                             OR (search.vc_count(substr(w, 1, length(w) - 1)) = 1
                                 AND NOT regexp_matches(substr(w, 1, length(w) - 1), '[^aeiou][aeiouy][^aeiouwxy]$')))
        THEN substr(w, 1, length(w) - 1)
    ELSE w END;

-- One word (lower case, no accents) -> its index term.
CREATE OR REPLACE MACRO search.stem(w) AS CASE
    WHEN length(w) <= 2 OR regexp_matches(w, '[0-9]') THEN w
    ELSE search.stem_5a(search.stem_1c(search.stem_1b(search.stem_1a(w))))
    END;

-- Text -> its words (lower case, no accents, in order; stop words kept): used for phrases.
CREATE OR REPLACE MACRO search.words(s) AS
    list_filter(regexp_split_to_array(lower(strip_accents(coalesce(s, ''))), '[^a-z0-9]+'), lambda w: length(w) > 0);

CREATE OR REPLACE MACRO search.stopwords() AS [
    'a', 'about', 'after', 'all', 'also', 'an', 'and', 'any', 'are', 'as', 'at', 'be', 'been', 'before',
    'being', 'between', 'both', 'but', 'by', 'can', 'could', 'did', 'do', 'does', 'during', 'each', 'for',
    'from', 'had', 'has', 'have', 'he', 'her', 'his', 'how', 'if', 'in', 'into', 'is', 'it', 'its', 'may',
    'more', 'most', 'no', 'nor', 'not', 'of', 'on', 'or', 'other', 'our', 'over', 'she', 'should', 'so',
    'some', 'such', 'than', 'that', 'the', 'their', 'them', 'then', 'there', 'these', 'they', 'this',
    'those', 'through', 'to', 'under', 'until', 'up', 'upon', 'very', 'was', 'we', 'were', 'what', 'when',
    'where', 'which', 'while', 'who', 'whom', 'will', 'with', 'would', 'you'];

-- Text -> its index terms (the analysis described above), in order, with repeats.
CREATE OR REPLACE MACRO search.tokenize(s) AS
    list_transform(
        list_filter(search.words(s), lambda w: length(w) > 1 AND NOT list_contains(search.stopwords(), w)),
        lambda w: search.stem(w));

-- The documents: one per narrative.
CREATE OR REPLACE TABLE search.docs AS
SELECT
    CAST(row_number() OVER (ORDER BY n.narrative_id) AS INTEGER) AS docid,
    n.narrative_id,
    n.country_iso3,
    coalesce(c.country, n.country)                             AS country,
    n.report_year,
    len(search.tokenize(n.text))                               AS len
FROM staging.narratives n
LEFT JOIN marts.countries c ON c.country_iso3 = n.country_iso3
ORDER BY docid;

-- The inverted index: one row per term and document, with the term's frequency there.
CREATE OR REPLACE TABLE search.postings AS
SELECT term, docid, CAST(count(*) AS INTEGER) AS tf
FROM (
    SELECT d.docid, unnest(search.tokenize(n.text)) AS term
    FROM staging.narratives n JOIN search.docs d USING (narrative_id)
)
GROUP BY term, docid
ORDER BY term, docid;

-- The dictionary: every term with its document frequency.
CREATE OR REPLACE TABLE search.terms AS
SELECT term, CAST(count(*) AS INTEGER) AS df
FROM search.postings
GROUP BY term
ORDER BY term;

CREATE OR REPLACE TABLE search.stats AS
SELECT CAST(count(*) AS INTEGER) AS num_docs, coalesce(avg(len), 0) AS avgdl FROM search.docs;

-- BM25 score of one narrative for a query (NULL when it does not match), like the fts
-- extension's match_bm25. conjunctive := true asks for every query term.
CREATE OR REPLACE MACRO search.match_bm25(narrative, query_string, k := 1.2, b := 0.75, conjunctive := false) AS (
    WITH qt AS (SELECT DISTINCT unnest(search.tokenize(query_string)) AS term)
    SELECT sum(ln(1 + (s.num_docs - t.df + 0.5) / (t.df + 0.5))
               * p.tf * (k + 1) / (p.tf + k * (1 - b + b * d.len / s.avgdl)))
    FROM qt
    JOIN search.terms t ON t.term = qt.term
    JOIN search.postings p ON p.term = qt.term
    JOIN search.docs d ON d.docid = p.docid
    CROSS JOIN search.stats s
    WHERE d.narrative_id = narrative
    HAVING count(*) > 0 AND (NOT conjunctive OR count(*) = (SELECT count(*) FROM qt))
);

-- A snippet of `text` around the query: the first place the words appear as a phrase, else the
-- first query word (or its stem); about `width` characters, cut at word boundaries.
CREATE OR REPLACE MACRO search.snippet(text, query_string, width := 200) AS (
    WITH q AS (
        SELECT
            list_filter(search.words(query_string), lambda w: length(w) > 1) AS qw,
            lower(strip_accents(text)) AS lt
    ),
    found AS (
        SELECT
            lt,
            CASE WHEN len(qw) = 0 THEN ''
                 ELSE regexp_extract(lt, '\b' || array_to_string(qw, '[^a-z0-9]+') || '\b') END AS phrase,
            CASE WHEN len(qw) = 0 THEN ''
                 ELSE regexp_extract(lt, '\b(' || array_to_string(list_concat(qw, list_transform(qw, lambda w: search.stem(w))), '|') || ')') END AS word
        FROM q
    ),
    pos AS (
        SELECT CASE WHEN phrase <> '' THEN instr(lt, phrase) WHEN word <> '' THEN instr(lt, word) ELSE 1 END AS hit_at
        FROM found
    ),
    win AS (
        SELECT greatest(1, hit_at - width // 2) AS a, least(length(text), hit_at + width // 2) AS z FROM pos
    )
    SELECT
        (CASE WHEN a > 1 THEN '…' ELSE '' END)
        || trim(regexp_replace(
               regexp_replace(regexp_replace(substr(text, a, z - a + 1),
                                             CASE WHEN a > 1 THEN '^\S*\s+' ELSE '^' END, ''),
                              CASE WHEN z < length(text) THEN '\s+\S*$' ELSE '$' END, ''),
               '\s+', ' ', 'g'))
        || (CASE WHEN z < length(text) THEN '…' ELSE '' END)
    FROM win
);

-- Ranked search: narratives holding every query term, the exact phrase first, then by BM25.
CREATE OR REPLACE MACRO search.narratives(query_string, year := NULL, k := 1.2, b := 0.75) AS TABLE
WITH qt AS (SELECT DISTINCT unnest(search.tokenize(query_string)) AS term),
scores AS (
    SELECT p.docid,
           sum(ln(1 + (s.num_docs - t.df + 0.5) / (t.df + 0.5))
               * p.tf * (k + 1) / (p.tf + k * (1 - b + b * d.len / s.avgdl))) AS score,
           count(*) AS n_terms
    FROM qt
    JOIN search.terms t ON t.term = qt.term
    JOIN search.postings p ON p.term = qt.term
    JOIN search.docs d ON d.docid = p.docid
    CROSS JOIN search.stats s
    WHERE year IS NULL OR d.report_year = year
    GROUP BY p.docid
),
hits AS (
    SELECT d.narrative_id, d.country_iso3, d.country, d.report_year, sc.score, n.text
    FROM scores sc
    JOIN search.docs d ON d.docid = sc.docid
    JOIN staging.narratives n ON n.narrative_id = d.narrative_id
    WHERE sc.n_terms = (SELECT count(*) FROM qt)
)
SELECT
    narrative_id,
    country_iso3,
    country,
    report_year,
    round(score, 6) AS score,
    regexp_matches(lower(strip_accents(text)),
                   '\b' || array_to_string(list_filter(search.words(query_string), lambda w: length(w) > 1), '[^a-z0-9]+') || '\b')
        AS phrase_match,
    search.snippet(text, query_string) AS snippet
FROM hits
ORDER BY phrase_match DESC, score DESC, report_year DESC, country_iso3;
