"""python -m ops {run,test,bench,services} — the Makefile's commands.

run              embedded servers (unless DATABASE_URL / REDIS_URL are set), migrate, demo data,
                 then web (gunicorn), one Celery worker and Celery beat until Ctrl-C
test [ARGS]      embedded servers, then pytest with ARGS
bench [NAME]     embedded servers, then the benchmarks (all, or the one named)
exec CMD...      embedded servers, then CMD (e.g. `python -m ops exec python manage.py shell`)
walk             embedded servers (database sunlight_walk), migrate, demo data, then web, worker and
                 beat as `run` starts them (the beat's sweeps the walk waits on every few seconds:
                 ops/walk_schedule.py) and the lifecycle walk in headless Chromium (ops/walk.py);
                 screenshots in var/walk/
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from .services import ROOT, embedded_services

PY = sys.executable
MANAGE = [PY, str(ROOT / "manage.py")]


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env.update(extra)
    env.setdefault("XDG_RUNTIME_DIR", str(ROOT / "var" / "run"))
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def _call(cmd: list[str], env: dict[str, str]) -> int:
    return subprocess.call(cmd, cwd=ROOT, env=env)  # noqa: S603


def _prepare(env: dict[str, str]) -> None:
    for step in (["migrate", "--no-input", "-v", "0"], ["collectstatic", "--no-input", "-v", "0"]):
        if _call(MANAGE + step, env):
            raise SystemExit(f"manage.py {' '.join(step)} failed")


def _processes(host: str, port: str) -> dict[str, list[str]]:
    """gunicorn, one Celery worker and Celery beat: the platform's processes."""
    bin_dir = Path(PY).parent
    return {
        "web": [
            str(bin_dir / "gunicorn"),
            "config.wsgi:application",
            "--config",
            "python:config.gunicorn",
            "--bind",
            f"{host}:{port}",
        ],
        "worker": [
            str(bin_dir / "celery"),
            "-A",
            "config",
            "worker",
            "-Q",
            "default",
            "--concurrency",
            "2",
            "--loglevel",
            "INFO",
        ],
        "beat": [str(bin_dir / "celery"), "-A", "config", "beat", "--loglevel", "INFO"],
    }


def _stop(running: dict[str, subprocess.Popen]) -> None:
    for proc in running.values():
        if proc.poll() is None:
            proc.terminate()
    for proc in running.values():
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def run() -> int:
    host = os.environ.get("SUNLIGHT_HOST", "127.0.0.1")
    port = os.environ.get("SUNLIGHT_PORT", "8000")
    with embedded_services() as extra:
        env = _env(extra)
        _prepare(env)
        if _call(MANAGE + ["load_demo"], env):
            raise SystemExit("manage.py load_demo failed")
        procs = _processes(host, port)
        running = {name: subprocess.Popen(cmd, cwd=ROOT, env=env) for name, cmd in procs.items()}  # noqa: S603
        print(
            f"\n[ops] Sunlight is running at http://{host}:{port}/  (Ctrl-C stops everything)\n", flush=True
        )
        _call(MANAGE + ["load_demo", "--print-logins"], env)
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        code = 0
        while not stopping:
            for name, proc in running.items():
                if proc.poll() is not None:
                    print(f"[ops] {name} exited with {proc.returncode}; stopping", flush=True)
                    code = proc.returncode or 1
                    stopping = True
            time.sleep(0.5)
        _stop(running)
        print("[ops] stopped", flush=True)
        return code


def _wait_until_serving(url: str, running: dict[str, subprocess.Popen], seconds: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for name, proc in running.items():
            if proc.poll() is not None:
                raise SystemExit(f"[ops] {name} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own local server
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"[ops] {url} did not answer within {seconds:.0f} s")


def walk() -> int:
    """The lifecycle walk against the real processes; its own database (sunlight_walk on the
    embedded server, so `make run`'s demo data stays as it was), screenshots in var/walk/."""
    host = "127.0.0.1"
    port = os.environ.get("SUNLIGHT_WALK_PORT", "8765")
    out = ROOT / "var" / "walk"
    out.mkdir(parents=True, exist_ok=True)
    with embedded_services(database="sunlight_walk") as extra:
        env = _env(extra)
        _prepare(env)
        if _call(MANAGE + ["load_demo"], env):
            raise SystemExit("manage.py load_demo failed")
        procs = _processes(host, port)
        procs["beat"] += ["-S", "ops.walk_schedule:FastScheduler", "-s", str(out / "celerybeat-schedule")]
        logs = {name: (out / f"{name}.log").open("w") for name in procs}
        running = {
            name: subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=logs[name], stderr=subprocess.STDOUT)  # noqa: S603
            for name, cmd in procs.items()
        }
        try:
            _wait_until_serving(f"http://{host}:{port}/accounts/login/", running)
            print(f"[ops] web, worker and beat are running (logs in {out}); walking", flush=True)
            code = _call([PY, "-m", "ops.walk", f"http://{host}:{port}", str(out)], env)
        finally:
            _stop(running)
            for log in logs.values():
                log.close()
        print("[ops] walk " + ("passed" if code == 0 else f"failed ({code})"), flush=True)
        return code


def test(args: list[str]) -> int:
    with embedded_services() as extra:
        env = _env(extra)
        # The whole suite runs on every core (pytest-xdist); a chosen selection runs as asked.
        code = _call([PY, "-m", "pytest", *(args or ["-n", "auto"])], env)
        return code


def bench(args: list[str]) -> int:
    # Benchmarks append thousands of audit events: on the embedded server they get a database of
    # their own, never the platform's. With DATABASE_URL set, point it at a scratch database.
    with embedded_services(database="sunlight_bench") as extra:
        env = _env(extra)
        _prepare(env)
        return _call([PY, "-m", "benchmarks", *args], env)


def exec_(args: list[str]) -> int:
    with embedded_services() as extra:
        return _call(args, _env(extra))


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "run":
        return run()
    if command == "test":
        return test(rest)
    if command == "bench":
        return bench(rest)
    if command == "exec":
        return exec_(rest)
    if command == "walk":
        return walk()
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
