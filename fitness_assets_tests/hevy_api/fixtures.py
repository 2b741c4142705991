"""The `hevy_api` fixture: a started local Hevy API whose contract violations fail the test."""

from __future__ import annotations

import pytest

from fitness_assets_tests.hevy_api.data import API_KEY
from fitness_assets_tests.hevy_api.server import HevyApiServer, HevyApiState


@pytest.fixture
def hevy_api():
    server = HevyApiServer(HevyApiState(api_key=API_KEY)).start()
    try:
        yield server
    finally:
        server.stop()
    assert server.state.contract_violations == [], "\n".join(server.state.contract_violations)
