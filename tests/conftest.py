import shutil

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache
from hypothesis import settings as hypothesis_settings
from playwright.sync_api import sync_playwright

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


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium through Playwright, one per test process for every browser test: a second
    sync_playwright() beside a running one fails ("Sync API inside the asyncio loop")."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    assert executable, "Debian's chromium is required for the browser tests (.ci/run installs it)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()
