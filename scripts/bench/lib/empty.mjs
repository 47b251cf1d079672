// Intentionally empty: the baseline for import-time measurements.
export {};
