"""Developer tools: the synthetic-data generator and the benchmark.

Not part of the shipped package (pyproject installs fitness_assets only) and never imported by
it (fitness_assets_tests/test_layers.py); run them from the repository root with `python -m`.
"""
