import json
import logging

from common.logging import JsonFormatter


def test_log_lines_are_json_with_extra_fields():
    record = logging.LogRecord("sunlight.test", logging.WARNING, __file__, 1, "bid %s refused", ("42",), None)
    record.project = "ZJ-2026-001"
    line = JsonFormatter().format(record)
    data = json.loads(line)
    assert data["message"] == "bid 42 refused"
    assert data["level"] == "WARNING"
    assert data["project"] == "ZJ-2026-001"


def test_non_ascii_stays_readable():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "开标", (), None)
    assert "开标" in JsonFormatter().format(record)


def test_task_arguments_and_results_never_reach_the_log():
    record = logging.LogRecord(
        "celery.app.trace", logging.INFO, __file__, 1, "Task %(name)s succeeded", (), None
    )
    record.data = {
        "id": "abc",
        "name": "accounts.send_password_reset_email",
        "runtime": 0.01,
        "args": "('http://x/accounts/password-reset/MzM/secret-token/',)",
        "return_value": "secret",
    }
    record.args_extra = "kept"
    line = JsonFormatter().format(record)
    assert "secret" not in line
    assert json.loads(line)["data"] == {
        "id": "abc",
        "name": "accounts.send_password_reset_email",
        "runtime": 0.01,
    }
