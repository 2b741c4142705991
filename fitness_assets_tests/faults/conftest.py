"""The fault-injection suite: every module here is marked `fault_injection` (run alone with
`pytest -m fault_injection`); `make test` runs it with everything else."""

import pytest


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/faults/" in str(item.fspath):
            item.add_marker(pytest.mark.fault_injection)
