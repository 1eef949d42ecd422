"""The instrument's rules: weights, thresholds, conversions and the conditions they set (no I/O beyond data/)."""
