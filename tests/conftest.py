"""Fixtures shared by the test modules."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def gazetteer():
    """The gazetteer index, opened once for the whole run (tests only read it)."""
    from gazetteer import Gazetteer

    with Gazetteer.open() as gaz:
        yield gaz


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, gazetteer):
    """A store holding the five seeds, made once per test module; the module's tests only read it."""
    from dashboard.ingest import ingest_seeds
    from dashboard.store import Store

    home = tmp_path_factory.mktemp("seeded")
    with Store(home / "atlas.sqlite") as store:
        assert ingest_seeds(store, gazetteer).added == 5
    return home
