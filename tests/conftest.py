"""Fixtures shared by the test modules."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def gazetteer():
    """The gazetteer index, opened once for the whole run (tests only read it)."""
    from gazetteer import Gazetteer

    with Gazetteer.open() as gaz:
        yield gaz
