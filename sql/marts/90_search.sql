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

CREATE OR REPLACE MACRO search.stem_1c(w) AS CASE
    WHEN suffix(w, 'y') AND regexp_matches(substr(w, 1, length(w) - 1), '[aeiou]') THEN substr(w, 1, length(w) - 1) || 'i'
    ELSE w END;

CREATE OR REPLACE MACRO search.stem_5a(w) AS CASE
    WHEN suffix(w, 'e') AND (search.vc_count(substr(w, 1, length(w) - 1)) > 1
                             OR (search.vc_count(substr(w, 1, length(w) - 1)) = 1
                                 AND NOT regexp_matches(substr(w, 1, length(w) - 1), '[^aeiou][aeiouy][^aeiouwxy]$')))
        THEN substr(w, 1, length(w) - 1)
    ELSE w END;

-- Words -> index terms, one row per word (pos = its 1-based place in the list). The steps run one
-- after another as separate stages (nesting the step macros would multiply the expression).
CREATE OR REPLACE MACRO search.stem_table(words) AS TABLE
WITH w0 AS (
    SELECT unnest(words) AS st_word, generate_subscripts(words, 1) AS st_pos
),
w1 AS (SELECT st_pos, st_word, search.stem_1a(st_word) AS st_a FROM w0),
w2 AS (
    SELECT st_pos, st_word, st_a,
        CASE
            WHEN suffix(st_a, 'eed') THEN
                CASE WHEN search.vc_count(substr(st_a, 1, length(st_a) - 3)) > 0 THEN substr(st_a, 1, length(st_a) - 1) ELSE st_a END
            WHEN suffix(st_a, 'ed') AND regexp_matches(substr(st_a, 1, length(st_a) - 2), '[aeiouy]') THEN substr(st_a, 1, length(st_a) - 2)
            WHEN suffix(st_a, 'ing') AND regexp_matches(substr(st_a, 1, length(st_a) - 3), '[aeiouy]') THEN substr(st_a, 1, length(st_a) - 3)
            ELSE st_a
        END AS st_b0,
        NOT suffix(st_a, 'eed') AND ((suffix(st_a, 'ed') AND regexp_matches(substr(st_a, 1, length(st_a) - 2), '[aeiouy]'))
                                  OR (suffix(st_a, 'ing') AND regexp_matches(substr(st_a, 1, length(st_a) - 3), '[aeiouy]'))) AS st_tidy
    FROM w1
),
w3 AS (SELECT st_pos, st_word, CASE WHEN st_tidy THEN search.stem_1b_tidy(st_b0) ELSE st_b0 END AS st_b FROM w2),
w4 AS (SELECT st_pos, st_word, search.stem_1c(st_b) AS st_c FROM w3),
w5 AS (SELECT st_pos, st_word, search.stem_5a(st_c) AS st_e FROM w4)
SELECT st_pos AS pos, st_word AS word,
       CASE WHEN length(st_word) <= 2 OR regexp_matches(st_word, '[0-9]') THEN st_word ELSE st_e END AS term
FROM w5;

-- One word (lower case, no accents) -> its index term.
CREATE OR REPLACE MACRO search.stem(w) AS (SELECT term FROM search.stem_table([w]));

-- Text -> its words (lower case, no accents, in order; stop words kept): used for phrases.
CREATE OR REPLACE MACRO search.words(s) AS
    list_filter(regexp_split_to_array(lower(strip_accents(coalesce(s, ''))), '[^a-z0-9]+'), lambda w: w <> '');

CREATE OR REPLACE MACRO search.stopwords() AS [
    'a', 'about', 'after', 'all', 'also', 'an', 'and', 'any', 'are', 'as', 'at', 'be', 'been', 'before',
    'being', 'between', 'both', 'but', 'by', 'can', 'could', 'did', 'do', 'does', 'during', 'each', 'for',
    'from', 'had', 'has', 'have', 'he', 'her', 'his', 'how', 'if', 'in', 'into', 'is', 'it', 'its', 'may',
    'more', 'most', 'no', 'nor', 'not', 'of', 'on', 'or', 'other', 'our', 'over', 'she', 'should', 'so',
    'some', 'such', 'than', 'that', 'the', 'their', 'them', 'then', 'there', 'these', 'they', 'this',
    'those', 'through', 'to', 'under', 'until', 'up', 'upon', 'very', 'was', 'we', 'were', 'what', 'when',
    'where', 'which', 'while', 'who', 'whom', 'will', 'with', 'would', 'you'];

-- Text -> the words that are indexed (one-letter words and stop words dropped), in order.
CREATE OR REPLACE MACRO search.index_words(s) AS
    list_filter(search.words(s), lambda w: length(w) > 1 AND NOT list_contains(search.stopwords(), w));

-- Text -> its index terms (the analysis described above), in order, with repeats.
CREATE OR REPLACE MACRO search.tokenize(s) AS
    (SELECT coalesce(list(term ORDER BY pos), CAST([] AS VARCHAR[])) FROM search.stem_table(search.index_words(s)));

-- Every indexed word occurrence, once, for the tables below (a temporary table, not published).
CREATE OR REPLACE TEMP TABLE search_occurrences AS
WITH d AS (
    SELECT CAST(row_number() OVER (ORDER BY narrative_id) AS INTEGER) AS docid, text FROM staging.narratives
),
w AS (SELECT docid, unnest(search.words(text)) AS word FROM d)
SELECT docid, word FROM w
WHERE length(word) > 1 AND word NOT IN (SELECT unnest(search.stopwords()));

-- Every word of the narratives with its index term (how the index analysed the text).
CREATE OR REPLACE TABLE search.lexicon AS
WITH w AS (SELECT DISTINCT word FROM search_occurrences)
SELECT word, term FROM search.stem_table((SELECT coalesce(list(word ORDER BY word), CAST([] AS VARCHAR[])) FROM w))
ORDER BY word;

-- The documents: one per narrative.
CREATE OR REPLACE TABLE search.docs AS
WITH d AS (
    SELECT CAST(row_number() OVER (ORDER BY narrative_id) AS INTEGER) AS docid, narrative_id, country_iso3, country,
           report_year
    FROM staging.narratives
),
lens AS (SELECT docid, count(*) AS len FROM search_occurrences GROUP BY docid)
SELECT d.docid, d.narrative_id, d.country_iso3, coalesce(c.country, d.country) AS country, d.report_year,
       coalesce(l.len, 0) AS len
FROM d
LEFT JOIN lens l USING (docid)
LEFT JOIN marts.countries c ON c.country_iso3 = d.country_iso3
ORDER BY d.docid;

-- The inverted index: one row per term and document, with the term's frequency there.
CREATE OR REPLACE TABLE search.postings AS
SELECT l.term, o.docid, CAST(count(*) AS INTEGER) AS tf
FROM search_occurrences o JOIN search.lexicon l USING (word)
GROUP BY l.term, o.docid
ORDER BY l.term, o.docid;

-- The dictionary: every term with its document frequency.
CREATE OR REPLACE TABLE search.terms AS
SELECT term, CAST(count(*) AS INTEGER) AS df
FROM search.postings
GROUP BY term
ORDER BY term;

CREATE OR REPLACE TABLE search.stats AS
SELECT CAST(count(*) AS INTEGER) AS num_docs, coalesce(avg(len), 0) AS avgdl FROM search.docs;

DROP TABLE search_occurrences;

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
                 ELSE regexp_extract(lt, '\b(' || array_to_string(list_concat(qw, (SELECT list(term) FROM search.stem_table(qw))), '|') || ')') END AS word
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
