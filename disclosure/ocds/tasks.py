"""Celery entry points of disclosure.ocds: no arguments, one service call each, safe to run twice."""
