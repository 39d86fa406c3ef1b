-- 014 down: drop the unique constraint on pattern_id.
-- Rows deleted by 014 when it collapsed duplicates are not restored.

ALTER TABLE pattern_quality_metrics
    DROP CONSTRAINT IF EXISTS pattern_quality_metrics_pattern_id_unique;
