"""HevyApiResource: the environment pipe, the EnvVar binding of the key, and its settings."""

from __future__ import annotations

import dagster as dg
import pytest

from fitness_assets.defs.resources import configuration_from
from fitness_assets.lib.raw.hevy_api import DEFAULT_BASE_URL, HevyApiError
from fitness_assets_tests.hevy_api.data import API_KEY


def test_defaults_and_the_key_bound_by_name(monkeypatch):
    monkeypatch.setenv("HEVY_API_KEY", API_KEY)
    monkeypatch.setenv("HEVY_API_MAX_ATTEMPTS", "3")
    resource = configuration_from().hevy_api
    assert resource.base_url == DEFAULT_BASE_URL and resource.max_attempts == 3
    assert isinstance(resource.api_key, dg.EnvVar) and API_KEY not in repr(resource.model_dump())
    settings = resource.settings()
    assert settings.api_key == API_KEY and API_KEY not in repr(settings)
    assert (settings.workouts_page_size, settings.exercise_templates_page_size) == (10, 100)


def test_base_url_from_the_environment_and_no_key_means_off(monkeypatch):
    monkeypatch.delenv("HEVY_API_KEY", raising=False)
    resource = configuration_from({"HEVY_API_BASE_URL": "http://127.0.0.1:9/"}).hevy_api
    assert resource.base_url == "http://127.0.0.1:9/" and not resource.enabled
    with pytest.raises(HevyApiError, match="HEVY_API_KEY is not set"):
        resource.settings()
