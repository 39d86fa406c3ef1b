-- 013: drop the legacy foreign key from pattern_id to pattern_lineage_nodes(id).
--
-- Scores are kept for patterns that live only in the vector store, so pattern_id
-- must not reference any other table. Drops pattern_quality_metrics_pattern_id_fkey
-- and any other foreign key on pattern_id (whatever its name); does nothing when
-- there is none.

DO $$
DECLARE
    fk record;
BEGIN
    FOR fk IN
        SELECT c.conname
        FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attname = 'pattern_id'
        WHERE c.conrelid = 'pattern_quality_metrics'::regclass
          AND c.contype = 'f'
          AND c.conkey = ARRAY[a.attnum]
    LOOP
        EXECUTE format('ALTER TABLE pattern_quality_metrics DROP CONSTRAINT %I', fk.conname);
        RAISE NOTICE 'pattern_quality 013: dropped foreign key %', fk.conname;
    END LOOP;
END
$$;
