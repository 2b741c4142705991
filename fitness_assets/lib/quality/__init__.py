"""Data-quality rules: pure functions over silver frames and warehouse queries.

Each rule returns a `Finding` (the offending rows, with file and line where a row has them);
`defs/quality/checks.py` turns findings into Dagster asset check results. Keeping the rules
free of Dagster lets the tests feed them frames with one defect each.
"""
