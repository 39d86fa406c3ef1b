-- 015: drop two indexes that no query of the library uses and every upsert pays for.
--
-- - the plain btree on pattern_id: since 014, the index behind
--   pattern_quality_metrics_pattern_id_unique serves every lookup by pattern_id
--   (get, get_many, iter_all in pattern_id order, ON CONFLICT);
-- - the GIN index on metadata: nothing queries metadata with @>, ? or jsonpath.
-- Measured in docs/performance.md, "Migrations: index cost on upserts".
-- Indexes are found by what they are (first key column and access method, no
-- predicate, not backing a constraint), not by name, so hand-made copies under
-- other names go too. The pattern_id btree is only dropped while the unique
-- constraint exists. Roll back with `pattern-quality migrate --down 14`.

DO $$
DECLARE
    idx record;
    has_unique boolean;
BEGIN
    has_unique := EXISTS (
        SELECT 1 FROM pg_constraint
        WHERE conrelid = 'pattern_quality_metrics'::regclass
          AND conname = 'pattern_quality_metrics_pattern_id_unique'
    );
    FOR idx IN
        SELECT n.nspname, ic.relname
        FROM pg_index i
        JOIN pg_class ic ON ic.oid = i.indexrelid
        JOIN pg_namespace n ON n.oid = ic.relnamespace
        JOIN pg_am am ON am.oid = ic.relam
        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
        WHERE i.indrelid = 'pattern_quality_metrics'::regclass
          AND i.indnatts = 1
          AND i.indpred IS NULL
          AND i.indexprs IS NULL
          AND NOT i.indisunique
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
          AND ((a.attname = 'pattern_id' AND am.amname = 'btree' AND has_unique)
               OR (a.attname = 'metadata' AND am.amname = 'gin'))
        ORDER BY ic.relname
    LOOP
        EXECUTE format('DROP INDEX %I.%I', idx.nspname, idx.relname);
        RAISE NOTICE 'pattern_quality 015: dropped index %', idx.relname;
    END LOOP;
END
$$;
