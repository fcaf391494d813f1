"""Celery entry points of disclosure.search: no arguments, one service call each, safe to run twice."""
