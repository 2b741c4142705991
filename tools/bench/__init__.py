"""`make bench`: `python -m tools.bench.run` measures ingest, re-ingest and backfill at scale."""
