-- 015 down: recreate the plain btree on pattern_id and the GIN index on metadata,
-- each only if no equivalent index exists.

DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1
        FROM pg_index i
        JOIN pg_class ic ON ic.oid = i.indexrelid
        JOIN pg_am am ON am.oid = ic.relam
        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
        WHERE i.indrelid = 'pattern_quality_metrics'::regclass
          AND i.indpred IS NULL AND NOT i.indisunique
          AND a.attname = 'pattern_id' AND am.amname = 'btree'
    ) THEN
        CREATE INDEX idx_pattern_quality_metrics_pattern_id
            ON pattern_quality_metrics (pattern_id);
    END IF;
    IF NOT EXISTS (
        SELECT 1
        FROM pg_index i
        JOIN pg_class ic ON ic.oid = i.indexrelid
        JOIN pg_am am ON am.oid = ic.relam
        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
        WHERE i.indrelid = 'pattern_quality_metrics'::regclass
          AND i.indpred IS NULL
          AND a.attname = 'metadata' AND am.amname = 'gin'
    ) THEN
        CREATE INDEX idx_pattern_quality_metrics_metadata
            ON pattern_quality_metrics USING gin (metadata);
    END IF;
END
$$;
