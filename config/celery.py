"""The one Celery app. Tasks live in <app>/tasks.py; the beat schedule is settings.CELERY_BEAT_SCHEDULE."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("sunlight")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
