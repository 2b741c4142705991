"""Benchmark support: large, deterministic synthetic exports (see synthetic.py)."""
