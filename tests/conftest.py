import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache
from hypothesis import settings as hypothesis_settings

from config.celery import app as celery_app

# No per-example deadline: on two busy cores a 200 ms deadline fails examples that are merely slow
# (the properties are about results, not speed; speed is the benchmarks' job).
hypothesis_settings.register_profile("sunlight", deadline=None)
hypothesis_settings.load_profile("sunlight")

pytest_plugins = ["tests.accounts.fixtures", "tests.suppliers.fixtures", "tests.evaluation_fixtures"]


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield


@pytest.fixture
def celery_worker(seeded_transactional_db):
    """A real Celery worker thread on the in-memory broker (eager mode would hide ETAs and locks),
    on a transactional database with the rulebook's seed rows (tasks read the rules)."""
    celery_app.conf.update(broker_url="memory://", task_always_eager=False)
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded and generated files (decision documents, feeds, demo PDFs) go to the test's own
    folder, never into var/media of the development server."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Demo data hashes dozens of passwords; tests do not need PBKDF2's cost (production keeps it)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seeded_transactional_db(transactional_db):
    """A transactional database with the migrations' seed rows put back (an earlier transactional
    test's flush empties them): the rulebook and the credit catalogue. Use it instead of
    serialized_rollback, whose reload collides with the content types a flush re-creates."""
    from credit.catalogue import seed_credit_rules
    from rulebook.services import seed_default_rules

    seed_default_rules(record=False)
    seed_credit_rules()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The browser walks start the transactional tests (pytest-django runs those after the others),
    the longest walk first: xdist then fills the other worker with the short tests, instead of
    one worker ending the run alone on a three-minute walk."""
    walks = [i for i in items if i.get_closest_marker("e2e")]
    walks.sort(key=lambda i: "lifecycle" not in i.nodeid)
    rest = [i for i in items if not i.get_closest_marker("e2e")]
    first = next((n for n, i in enumerate(rest) if "transactional_db" in i.fixturenames), len(rest))
    items[:] = rest[:first] + walks + rest[first:]
