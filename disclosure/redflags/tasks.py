"""Celery entry points of disclosure.redflags: no arguments, one service call each, safe to run twice."""
