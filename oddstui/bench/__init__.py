"""Benchmarks: `python -m oddstui.bench {store,sim,ingest,ui}`. Each prints ratios to a same-run baseline."""
