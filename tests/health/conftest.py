"""Health fixtures: a database stamped at a migration revision."""

import pytest

from tests import stamp as stamping


@pytest.fixture
def stamp(app):
    """stamp(revision="heads"): the test database as if migrated up to that revision."""
    return lambda revision="heads": stamping.stamp(app, revision)
