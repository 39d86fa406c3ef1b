-- 012 down: drop pattern_quality_metrics, WITH EVERY STORED SCORE IN IT.
-- Only runs when you roll back below 012 explicitly (`pattern-quality migrate --down 11`).

DROP TABLE IF EXISTS pattern_quality_metrics;
