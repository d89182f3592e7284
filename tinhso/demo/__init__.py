"""Demo and synthetic data: the demo accounts, a year of finished dossiers for the
index and the dashboards, and synthetic population records for the dedup
benchmark. It sits above the domain apps and writes through their services like
any other caller; no domain app imports it (only bootstrap, tests and bench do)."""
