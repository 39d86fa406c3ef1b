-- 014: one row per pattern: collapse duplicates, then add
-- pattern_quality_metrics_pattern_id_unique UNIQUE (pattern_id).
--
-- Before 014, writers used plain INSERTs, so a pattern may have several rows.
-- Per pattern_id the row kept is the first in this order, every other row is
-- deleted:
--   measurement_timestamp DESC   (the latest measurement wins)
--   updated_at DESC NULLS LAST   (then the most recently updated row)
--   created_at DESC NULLS LAST   (then the most recently created row)
--   id DESC                      (then the greatest id: a total, repeatable order)
-- Writes to the table are blocked (reads are not) from the collapse until commit,
-- so no duplicate can slip in between. Does nothing when the constraint exists.
-- Preview the number of rows it would delete: `pattern-quality migrate --dry-run`.

DO $$
DECLARE
    removed bigint;
BEGIN
    IF EXISTS (
        SELECT 1 FROM pg_constraint
        WHERE conrelid = 'pattern_quality_metrics'::regclass
          AND conname = 'pattern_quality_metrics_pattern_id_unique'
    ) THEN
        RETURN;
    END IF;

    LOCK TABLE pattern_quality_metrics IN SHARE ROW EXCLUSIVE MODE;

    DELETE FROM pattern_quality_metrics m
    USING (
        SELECT id,
               row_number() OVER (
                   PARTITION BY pattern_id
                   ORDER BY measurement_timestamp DESC,
                            updated_at DESC NULLS LAST,
                            created_at DESC NULLS LAST,
                            id DESC
               ) AS rank
        FROM pattern_quality_metrics
    ) ranked
    WHERE m.id = ranked.id AND ranked.rank > 1;
    GET DIAGNOSTICS removed = ROW_COUNT;
    RAISE NOTICE 'pattern_quality 014: collapsed % duplicate row(s)', removed;

    ALTER TABLE pattern_quality_metrics
        ADD CONSTRAINT pattern_quality_metrics_pattern_id_unique UNIQUE (pattern_id);
END
$$;
