-- 012: create pattern_quality_metrics, one current quality score per pattern.
--
-- Creates the table of the legacy migration 012 only if it is absent, then makes
-- sure each of its four indexes (or an equivalent index under another name, as
-- hand-applied deployments may have) exists. Safe to run on any state: an empty
-- database, or a database where 012 was applied by hand.
-- Needs PostgreSQL 13 or newer (gen_random_uuid() is built in).

CREATE TABLE IF NOT EXISTS pattern_quality_metrics (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    pattern_id            uuid NOT NULL,
    quality_score         double precision NOT NULL
        CONSTRAINT pattern_quality_metrics_quality_score_check
        CHECK (quality_score >= 0 AND quality_score <= 1),
    confidence            double precision NOT NULL
        CONSTRAINT pattern_quality_metrics_confidence_check
        CHECK (confidence >= 0 AND confidence <= 1),
    measurement_timestamp timestamptz NOT NULL DEFAULT now(),
    version               text DEFAULT '1.0.0',
    metadata              jsonb DEFAULT '{}'::jsonb,
    created_at            timestamptz DEFAULT now(),
    updated_at            timestamptz DEFAULT now()
);

-- An index "exists" when some index of the table, without a predicate, has the
-- column as its first key and uses the same access method (a btree serves both
-- ascending and descending scans).
DO $$
DECLARE
    spec record;
BEGIN
    FOR spec IN
        SELECT * FROM (VALUES
            ('pattern_id', 'btree',
             'CREATE INDEX idx_pattern_quality_metrics_pattern_id '
             'ON pattern_quality_metrics (pattern_id)'),
            ('quality_score', 'btree',
             'CREATE INDEX idx_pattern_quality_metrics_quality_score '
             'ON pattern_quality_metrics (quality_score DESC)'),
            ('measurement_timestamp', 'btree',
             'CREATE INDEX idx_pattern_quality_metrics_measurement_timestamp '
             'ON pattern_quality_metrics (measurement_timestamp DESC)'),
            ('metadata', 'gin',
             'CREATE INDEX idx_pattern_quality_metrics_metadata '
             'ON pattern_quality_metrics USING gin (metadata)')
        ) AS s (col, am, ddl)
    LOOP
        IF NOT EXISTS (
            SELECT 1
            FROM pg_index i
            JOIN pg_class ic ON ic.oid = i.indexrelid
            JOIN pg_am am ON am.oid = ic.relam
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
            WHERE i.indrelid = 'pattern_quality_metrics'::regclass
              AND i.indpred IS NULL
              AND a.attname = spec.col
              AND am.amname = spec.am
        ) THEN
            EXECUTE spec.ddl;
        END IF;
    END LOOP;
END
$$;
