"""Structured logs: one JSON object per line."""

import json
import logging
import sys
from datetime import UTC, datetime

_RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
# Extras that may carry secrets: Celery passes a task's arguments and result as `data`; only its
# identity and timing are logged.
_SAFE_TASK_FIELDS = ("id", "name", "runtime", "hostname")
_NEVER_LOGGED = {"args", "kwargs", "return_value", "request", "password", "token"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key in _RESERVED or key in _NEVER_LOGGED or key.startswith("_"):
                continue
            if key == "data" and isinstance(value, dict):
                value = {k: value[k] for k in _SAFE_TASK_FIELDS if k in value}
            entry[key] = (
                value if isinstance(value, (str, int, float, bool, type(None), dict)) else repr(value)
            )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class StderrHandler(logging.StreamHandler):
    """A StreamHandler that writes to whatever sys.stderr is at the time of the record, not the one
    of the moment logging was configured (pytest and its xdist workers swap and close stderr)."""

    def __init__(self):
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass
