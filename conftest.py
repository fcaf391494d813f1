"""Root pytest configuration: loaded before Django settings."""

import os

# Tests run a real Celery worker in-process (celery.contrib.testing) on the in-memory broker;
# the cache and everything else use the real Redis and PostgreSQL that `make test` provides.
os.environ.setdefault("CELERY_BROKER_URL", "memory://")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("XDG_RUNTIME_DIR", os.path.join(os.path.dirname(__file__), "var", "run"))
os.makedirs(os.path.join(os.path.dirname(__file__), "var", "staticfiles"), exist_ok=True)
