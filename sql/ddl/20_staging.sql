-- Staging: what the parser read from the raw documents. Every row carries the document
-- (url, sha256) it came from and the parser version that produced it, so a new parser
-- re-parses from the raw store without fetching anything.

-- Which (document, parser version) pairs have been parsed: the parse stage's memory.
CREATE TABLE IF NOT EXISTS staging.parsed_documents (
    url             VARCHAR NOT NULL,
    sha256          VARCHAR NOT NULL,
    parser_version  VARCHAR NOT NULL,
    parsed_at       TIMESTAMP NOT NULL,
    narratives      INTEGER NOT NULL,
    rejects         INTEGER NOT NULL,
    PRIMARY KEY (url, sha256, parser_version)
);

CREATE TABLE IF NOT EXISTS staging.narratives (
    narrative_id      VARCHAR NOT NULL,    -- '<ISO3>-<report_year>'
    country_iso3      VARCHAR NOT NULL,
    country           VARCHAR NOT NULL,    -- as printed in the headline (or page title)
    report_year       INTEGER NOT NULL,
    year_source       VARCHAR,             -- where report_year came from: 'url', 'text', 'publisher number', 'page date', 'hint'
    tier              VARCHAR NOT NULL,    -- '1', '2', '2WL', '3', 'SPECIAL'
    headline          VARCHAR,             -- the headline line as printed
    territory_marker  BOOLEAN NOT NULL,    -- headline carried '*' or '†' (not a 'country' for the minimum standards)
    compliance        VARCHAR,             -- fully_meets | not_fully_significant_efforts | not_fully_not_significant | special_case | NULL
    compliance_sentence VARCHAR,
    tier_movement     VARCHAR,             -- upgraded | downgraded | remained | placed | NULL
    consecutive_years INTEGER,
    waiver            BOOLEAN,
    is_source         BOOLEAN,
    is_transit        BOOLEAN,
    is_destination    BOOLEAN,
    is_internal       BOOLEAN,
    sections          VARCHAR[],           -- section names in order
    n_recommendations INTEGER,
    text              VARCHAR NOT NULL,    -- normalised narrative text; evidence offsets index into it
    text_length       INTEGER NOT NULL,
    text_sha256       VARCHAR NOT NULL,
    source_url        VARCHAR NOT NULL,
    doc_sha256        VARCHAR NOT NULL,
    doc_start         INTEGER,             -- offsets of the narrative in the document's extracted text
    doc_end           INTEGER,
    parser_version    VARCHAR NOT NULL,
    parsed_at         TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS staging.measures (
    narrative_id    VARCHAR NOT NULL,
    country_iso3    VARCHAR NOT NULL,
    report_year     INTEGER NOT NULL,
    measure         VARCHAR NOT NULL,      -- investigations, prosecutions, convictions, victims_identified, arrests, sentence_*_years, ...
    value           DOUBLE NOT NULL,       -- counts are whole; sentence lengths are years (months / 12)
    unit            VARCHAR,               -- cases | persons | years | NULL when the text does not say
    qualifier       VARCHAR NOT NULL,      -- exact | at_least | more_than | approximately
    subtype         VARCHAR,               -- sex | labor | NULL (total / not split)
    period_label    VARCHAR,               -- the period as printed ('2003', 'the reporting period', 'last year'); NULL if none
    data_year       INTEGER,               -- derived calendar year of the figure
    data_year_basis VARCHAR,               -- 'stated' (a year in the sentence), 'relative' ('last year'), 'assumed' (report_year - 1)
    is_prior_period BOOLEAN NOT NULL,      -- a comparison baseline ('compared with 44 in 2012'), not the current figure
    evidence        VARCHAR NOT NULL,      -- the sentence the value was read from
    start           INTEGER NOT NULL,      -- offsets of the evidence sentence in staging.narratives.text
    "end"           INTEGER NOT NULL,
    value_start     INTEGER,               -- offsets of the number itself in the narrative text
    value_end       INTEGER,
    parent_measure  VARCHAR,               -- a part of a total (serving_sentences, awaiting_trial): the total's measure ...
    parent_value    DOUBLE,                -- ... its value ('Of these, 142 ...' after '153 individuals were arrested')
    parent_value_start INTEGER,            -- ... and the offset of its number (with narrative_id, the total's row)
    source_url      VARCHAR NOT NULL,
    parser_version  VARCHAR NOT NULL
);
-- stores created before the parent columns: add them (the new parser version re-parses every document)
ALTER TABLE staging.measures ADD COLUMN IF NOT EXISTS parent_measure VARCHAR;
ALTER TABLE staging.measures ADD COLUMN IF NOT EXISTS parent_value DOUBLE;
ALTER TABLE staging.measures ADD COLUMN IF NOT EXISTS parent_value_start INTEGER;

CREATE TABLE IF NOT EXISTS staging.partners (
    narrative_id    VARCHAR NOT NULL,
    country_iso3    VARCHAR NOT NULL,      -- the reporting country (the narrative's)
    report_year     INTEGER NOT NULL,
    partner_iso3    VARCHAR NOT NULL,
    partner_name    VARCHAR NOT NULL,      -- as printed
    direction       VARCHAR NOT NULL,      -- 'origin' (victims from partner exploited here) | 'destination' (victims from here exploited in partner)
    origin_iso3     VARCHAR NOT NULL,
    destination_iso3 VARCHAR NOT NULL,
    evidence        VARCHAR NOT NULL,
    start           INTEGER NOT NULL,
    "end"           INTEGER NOT NULL,
    source_url      VARCHAR NOT NULL,
    parser_version  VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS staging.recommendations (
    narrative_id    VARCHAR NOT NULL,
    country_iso3    VARCHAR NOT NULL,
    report_year     INTEGER NOT NULL,
    position        INTEGER NOT NULL,      -- 1-based order in the narrative
    recommendation  VARCHAR NOT NULL,
    start           INTEGER NOT NULL,
    "end"           INTEGER NOT NULL,
    source_url      VARCHAR NOT NULL,
    parser_version  VARCHAR NOT NULL
);

-- Agreements with partner countries (tip/parse/agreements.py): one row per agreement and partner.
CREATE TABLE IF NOT EXISTS staging.agreements (
    narrative_id    VARCHAR NOT NULL,
    country_iso3    VARCHAR NOT NULL,      -- the reporting country (the narrative's)
    report_year     INTEGER NOT NULL,
    kind            VARCHAR NOT NULL,      -- mou | memorandum_of_cooperation | extradition_treaty | mutual_legal_assistance | labor_agreement | bilateral_agreement
    status          VARCHAR NOT NULL,      -- signed | proposed | referenced
    partner_iso3    VARCHAR NOT NULL,
    partner_name    VARCHAR NOT NULL,      -- as printed
    agreement_year  INTEGER,               -- the year the sentence states (signed or proposed in); NULL when it states none or several
    evidence        VARCHAR NOT NULL,      -- the sentence
    start           INTEGER NOT NULL,      -- offsets of the sentence in staging.narratives.text
    "end"           INTEGER NOT NULL,
    mention_start   INTEGER NOT NULL,      -- offsets of the words naming the agreement ('memorandum of understanding (MOU)')
    mention_end     INTEGER NOT NULL,
    source_url      VARCHAR NOT NULL,
    parser_version  VARCHAR NOT NULL
);

-- Inputs the pipeline could not use, and why. Nothing is dropped silently.
CREATE TABLE IF NOT EXISTS staging.rejects (
    input           VARCHAR NOT NULL,      -- URL or file path
    stage           VARCHAR NOT NULL,      -- fetch | parse | load | validate
    reason          VARCHAR NOT NULL,
    report_year     INTEGER,
    country         VARCHAR,               -- as printed, when known
    narrative_id    VARCHAR,
    expectation     VARCHAR,               -- the GX expectation that quarantined the row (stage = validate)
    excerpt         VARCHAR,               -- the first characters of the offending text
    doc_sha256      VARCHAR,
    parser_version  VARCHAR,
    recorded_at     TIMESTAMP NOT NULL
);
