"""Celery entry points of the expert pool and the draw (imported by ExpertsConfig.ready())."""
