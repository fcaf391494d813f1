"""Test environment, set before Django reads its settings (loaded with `-p tests.environment`)."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _redis_database(url: str, number: int) -> str:
    """The same Redis server, another database: unix://path?db=N or redis://host:port/N."""
    if url.startswith("unix://"):
        return f"{url.split('?')[0]}?db={number}"
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{rest.split('/')[0]}/{number}"


# Tests run a real Celery worker in-process (celery.contrib.testing) on the in-memory broker; the
# cache is the real Redis, but database 15 (14, 13, … for further xdist workers), so that clearing it
# never touches a running platform's broker nor another worker's cache; each run gets its own test
# database, so that two runs can share a server.
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
os.environ.setdefault("CELERY_BROKER_URL", "memory://")
# TEST_CACHE_DB_TOP moves the range down, for several runs at once on one Redis server.
_cache_url = _redis_database(
    os.environ.get("REDIS_URL") or f"unix://{ROOT}/var/redis/redis.sock",
    int(os.environ.get("TEST_CACHE_DB_TOP", "15")) - _WORKER,
)
if "PYTEST_XDIST_WORKER" in os.environ:
    # A worker inherits the controller's environment, where this module already ran: set, not default.
    os.environ["CACHE_REDIS_URL"] = _cache_url
else:
    os.environ.setdefault("CACHE_REDIS_URL", _cache_url)
os.environ.setdefault("DATABASE_TEST_NAME", f"test_sunlight_{os.getpid()}")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Each distinct PDF is rendered once per worker; a fixture publishing the same tender documents
# again reuses the bytes (procurement.pdf.write_pdf; rendering is a pure function of the HTML).
os.environ.setdefault("PDF_MEMO", "true")
os.environ.setdefault("XDG_RUNTIME_DIR", str(ROOT / "var" / "run"))
os.makedirs(ROOT / "var" / "staticfiles", exist_ok=True)
