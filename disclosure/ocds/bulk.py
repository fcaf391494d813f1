"""The daily bulk files: for each day (Beijing time), the releases dated that day as gzipped JSON
lines (one release a line: what Kingfisher and Cardinal read), and the same releases as one
release package.

One file is stored per day, the JSON lines, written each night through Django's storage API with
constant memory: the releases' stored text is read with COPY in blocks and gzipped on threads
beside the reading (zlib releases the GIL), into a temporary file saved to the storage under a
name unique to this writing. A small manifest names each day's current file, so a reader never
sees half a file; the old file is removed after the switch. A day is written again when its number
of releases changed (a late release).

The day's release package (<day>.json) is made from that file as it is downloaded, also with
constant memory (package_stream): storing it too would double the night's work and the disk for
the same bytes (measured by benchmarks/ocds_bulk.py).
"""

import collections
import datetime
import gzip
import json
import logging
import secrets
import zlib
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.db import connection
from django.db.models import Count, Max
from django.db.models.functions import TruncDate
from django.utils import timezone

from disclosure.models import Release

from . import packages

logger = logging.getLogger(__name__)

BLOCK = 2 * 2**20  # bytes of releases read, compressed and written at a time
COMPRESSORS = 2  # threads gzipping blocks
# zlib's fastest level: the JSON of releases repeats itself, so even this level shrinks it tenfold
# and more, at several times level 6's speed on varied text.
GZIP_LEVEL = 1

# One query streams a day's releases as they are stored, oldest first: COPY sends the text of each
# release as one line (its only escape is a doubled backslash: the stored JSON has no raw tab,
# newline or carriage return, json.dumps escapes them).
DAY_COPY = (
    "COPY (SELECT data FROM disclosure_release WHERE date >= %s AND date < %s ORDER BY date, id) TO STDOUT"
)


def folder() -> str:
    return settings.OCDS_BULK_FOLDER.rstrip("/")


def manifest_name() -> str:
    return f"{folder()}/manifest.json"


def read_manifest() -> dict[str, dict]:
    """{"2026-11-22": {"releases", "jsonl_gz", "jsonl_gz_size", "last_written", "written_at"}}"""
    try:
        with default_storage.open(manifest_name(), "rb") as handle:
            return json.loads(handle.read())
    except (FileNotFoundError, OSError, ValueError):
        return {}


def _save_manifest(manifest: dict) -> None:
    name = manifest_name()
    content = TemporaryUploadedFile("manifest.json", "application/json", 0, "utf-8")
    content.write(json.dumps(manifest, sort_keys=True, indent=1).encode())
    content.size = content.tell()
    content.seek(0)
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, content)
    content.close()


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    def midnight(of: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(of, datetime.time()))

    return midnight(day), midnight(day + datetime.timedelta(days=1))


def day_totals() -> dict[datetime.date, tuple[int, datetime.datetime]]:
    """{day: (releases dated that day, when the last of them was written)} in one query."""
    rows = (
        Release.objects.annotate(day=TruncDate("date", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(n=Count("id"), last=Max("created_at"))
        .values_list("day", "n", "last")
    )
    return {day: (n, last) for day, n, last in rows}


# --- Writing --------------------------------------------------------------------------------------


def _blocks(start: datetime.datetime, end: datetime.datetime):
    """The day's releases as JSON lines, in blocks of about BLOCK bytes: (bytes, number of lines)."""
    with connection.cursor() as cursor, cursor.cursor.copy(DAY_COPY, (start, end)) as copy:
        rows: list[memoryview] = []
        size = 0
        for row in copy:  # one release and its newline (a view of its own buffer: kept, not copied)
            rows.append(row)
            size += len(row)
            if size >= BLOCK:
                yield _unescape(b"".join(rows)), len(rows)
                rows, size = [], 0
        if rows:
            yield _unescape(b"".join(rows)), len(rows)


def _unescape(block: bytes) -> bytes:
    return block.replace(b"\\\\", b"\\") if b"\\" in block else block


def _gzip_member(block: bytes) -> bytes:
    stream = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # gzip, mtime 0
    return stream.compress(block) + stream.flush()


class _Compressor:
    """Gzips the blocks on COMPRESSORS threads beside the reading, each block a gzip member of its
    own, written in order: a gzip file may hold several members, which gzip readers read as one
    stream. At most a few blocks wait at a time."""

    def __init__(self, out):
        self.out = out
        self.pool = ThreadPoolExecutor(COMPRESSORS, thread_name_prefix="ocds-bulk-gzip")
        self.pending: collections.deque = collections.deque()
        self.members = 0

    def put(self, block: bytes) -> None:
        self.pending.append(self.pool.submit(_gzip_member, block))
        while len(self.pending) > 2 * COMPRESSORS:
            self._write_one()

    def _write_one(self) -> None:
        self.out.write(self.pending.popleft().result())
        self.members += 1

    def finish(self) -> None:
        while self.pending:
            self._write_one()
        if not self.members:  # an empty day is still a valid (empty) gzip file
            self.out.write(_gzip_member(b""))
        self.pool.shutdown()

    def abort(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def write_day(day: datetime.date, *, last_written: datetime.datetime | None = None) -> dict:
    """Write one day's file and return its manifest entry (the file is saved under a new name; the
    caller switches the manifest and removes the old one). Memory stays constant: a few blocks of
    BLOCK bytes, whatever the number of releases."""
    start, end = day_bounds(day)
    name = f"{folder()}/{day.isoformat()}-{secrets.token_hex(4)}.jsonl.gz"
    lines = TemporaryUploadedFile(f"{day}.jsonl.gz", "application/gzip", 0, None)
    compressor = _Compressor(lines.file)
    count = 0
    try:
        for block, n in _blocks(start, end):
            compressor.put(block)
            count += n
        compressor.finish()
        lines.file.flush()
        lines.size = lines.file.tell()
        lines.file.seek(0)
        return {
            "releases": count,
            "jsonl_gz": default_storage.save(name, lines),
            "jsonl_gz_size": lines.size,
            "last_written": last_written.isoformat() if last_written else None,
            "written_at": timezone.now().isoformat(timespec="seconds"),
        }
    finally:
        compressor.abort()
        lines.close()


def write_changed_days(*, days: list[datetime.date] | None = None) -> list[datetime.date]:
    """Write the given days, or every day before today whose releases changed since its file was
    written (a new day, or a late release); returns the days written."""
    totals = day_totals()
    manifest = read_manifest()
    today = timezone.localdate()
    if days is None:
        days = [
            day
            for day, (n, _) in sorted(totals.items())
            if day < today and manifest.get(day.isoformat(), {}).get("releases") != n
        ]
    for day in days:
        _n, last = totals.get(day, (0, None))
        entry = write_day(day, last_written=last)
        old = manifest.get(day.isoformat())
        manifest[day.isoformat()] = entry
        _save_manifest(manifest)
        if old and old.get("jsonl_gz") and old["jsonl_gz"] != entry["jsonl_gz"]:
            default_storage.delete(old["jsonl_gz"])
        logger.info("OCDS bulk file of %s: %s releases", day.isoformat(), entry["releases"])
    return list(days)


# --- Reading --------------------------------------------------------------------------------------


def listing() -> list[dict]:
    """The days that have a file, newest first: date, number of releases, size, when written."""
    manifest = read_manifest()
    return [
        {"date": day, **{key: manifest[day].get(key) for key in ("releases", "jsonl_gz_size", "written_at")}}
        for day in sorted(manifest, reverse=True)
    ]


def entry_of(day: datetime.date) -> dict | None:
    return read_manifest().get(day.isoformat())


def open_lines(entry: dict):
    """The stored JSON lines file of a manifest entry, opened for reading, or None."""
    try:
        return default_storage.open(entry["jsonl_gz"], "rb")
    except (FileNotFoundError, OSError, KeyError):
        return None


def package_stream(handle, meta: dict):
    """The release package of a day, made from its JSON lines file as it is read: the package's
    fields, then the releases with commas where the lines had newlines. Constant memory."""
    yield packages.package_head(meta).encode()
    pending = b""
    with gzip.GzipFile(fileobj=handle, mode="rb") as lines:
        while chunk := lines.read(BLOCK):
            data = pending + chunk.replace(b"\n", b",")
            yield data[:-1]
            pending = data[-1:]
    # The last release's newline became a comma: dropped.
    yield (b"" if pending in (b"", b",") else pending) + b"]}"
