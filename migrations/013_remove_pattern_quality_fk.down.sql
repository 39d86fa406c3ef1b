-- 013 down: restore the legacy foreign key to pattern_lineage_nodes(id).
--
-- Added NOT VALID, so scores of patterns that have no lineage node do not block the
-- rollback (new rows are checked, existing rows are not). Does nothing when the
-- pattern_lineage_nodes table does not exist or the key is already there.

DO $$
BEGIN
    IF to_regclass('pattern_lineage_nodes') IS NULL THEN
        RAISE NOTICE 'pattern_quality 013 down: no pattern_lineage_nodes table, no foreign key to restore';
    ELSIF NOT EXISTS (
        SELECT 1 FROM pg_constraint
        WHERE conrelid = 'pattern_quality_metrics'::regclass
          AND conname = 'pattern_quality_metrics_pattern_id_fkey'
    ) THEN
        ALTER TABLE pattern_quality_metrics
            ADD CONSTRAINT pattern_quality_metrics_pattern_id_fkey
            FOREIGN KEY (pattern_id) REFERENCES pattern_lineage_nodes (id) NOT VALID;
    END IF;
END
$$;
