"""The daily bulk files: for each day (Beijing time) the releases dated that day, as gzipped JSON
lines (one release a line: what Kingfisher and Cardinal read) and as one release package (JSON).

Written through Django's storage API, streamed with constant memory: the releases' stored text is
read with a server-side cursor in chunks and written as it comes, first into temporary files, then
saved to the storage under a name unique to this writing; a small manifest (MANIFEST) names each
day's current files, so a reader never sees half a file and the old files are removed after the
switch. A day is written again when its count of releases changed (a late release).
"""

import datetime
import gzip
import json
import logging
import secrets

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.db.models import Count, Max
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from disclosure.models import Release

from . import packages, selectors

logger = logging.getLogger(__name__)

CHUNK = 2000  # releases per fetch and per write
GZIP_LEVEL = 6


def folder() -> str:
    return settings.OCDS_BULK_FOLDER.rstrip("/")


def manifest_name() -> str:
    return f"{folder()}/manifest.json"


def read_manifest() -> dict[str, dict]:
    """{"2026-11-22": {"releases", "jsonl_gz", "json", "jsonl_gz_size", "json_size", "written_at"}}"""
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
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(0, 0)))
    return start, timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    )


def day_totals() -> dict[datetime.date, tuple[int, datetime.datetime]]:
    """{day: (releases dated that day, when the last of them was written)} in one query."""
    rows = (
        Release.objects.annotate(day=TruncDate("date", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(n=Count("id"), last=Max("created_at"))
        .values_list("day", "n", "last")
    )
    return {day: (n, last) for day, n, last in rows}


def _policy() -> str:
    return selectors.absolute(reverse("ocds:index"))


def write_day(day: datetime.date, *, last_written: datetime.datetime | None = None) -> dict:
    """Write the two files of one day and return its manifest entry (the files are saved under new
    names; the caller switches the manifest and removes the old ones)."""
    start, end = day_bounds(day)
    stamp = secrets.token_hex(4)
    base = f"{folder()}/{day.isoformat()}-{stamp}"
    meta = packages.metadata(
        uri=selectors.absolute(reverse("ocds:bulk_file", args=[f"{day.isoformat()}.json"])),
        published=last_written,
        policy=_policy(),
    )
    lines = TemporaryUploadedFile(f"{day}.jsonl.gz", "application/gzip", 0, None)
    package = TemporaryUploadedFile(f"{day}.json", "application/json", 0, "utf-8")
    count = 0
    try:
        with gzip.GzipFile(
            filename="", mode="wb", fileobj=lines.file, compresslevel=GZIP_LEVEL, mtime=0
        ) as gz:
            package.file.write(packages.package_head(meta).encode())
            rows = (
                Release.objects.filter(date__gte=start, date__lt=end)
                .order_by("date", "id")
                .values_list("data", flat=True)
                .iterator(chunk_size=CHUNK)
            )
            batch: list[str] = []
            for text in rows:
                batch.append(text)
                if len(batch) == CHUNK:
                    count += _flush(batch, gz, package, first=count == 0)
                    batch = []
            if batch:
                count += _flush(batch, gz, package, first=count == 0)
            package.file.write(b"]}")
        entry = {"releases": count, "written_at": timezone.now().isoformat(timespec="seconds")}
        for key, content, suffix in (("jsonl_gz", lines, ".jsonl.gz"), ("json", package, ".json")):
            content.file.flush()
            content.size = content.file.tell()
            content.file.seek(0)
            entry[key] = default_storage.save(base + suffix, content)
            entry[f"{key}_size"] = content.size
        return entry
    finally:
        lines.close()
        package.close()


def _flush(batch: list[str], gz, package, *, first: bool) -> int:
    text = "\n".join(batch)
    gz.write(text.encode())
    gz.write(b"\n")
    package.file.write((("" if first else ",") + ",".join(batch)).encode())
    return len(batch)


def write_changed_days(*, days: list[datetime.date] | None = None) -> list[datetime.date]:
    """Write the given days, or every day before today whose releases changed since its files were
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
    written = []
    for day in days:
        n, last = totals.get(day, (0, None))
        entry = write_day(day, last_written=last)
        old = manifest.get(day.isoformat())
        manifest[day.isoformat()] = entry
        _save_manifest(manifest)
        for key in ("jsonl_gz", "json"):
            if old and old.get(key) and old[key] != entry[key]:
                default_storage.delete(old[key])
        written.append(day)
        logger.info("OCDS bulk files of %s: %s releases", day.isoformat(), entry["releases"])
    return written


def listing() -> list[dict]:
    """The days that have files, newest first: date, number of releases, sizes."""
    manifest = read_manifest()
    return [
        {
            "date": day,
            **{k: manifest[day][k] for k in ("releases", "jsonl_gz_size", "json_size", "written_at")},
        }
        for day in sorted(manifest, reverse=True)
    ]


def open_file(day: datetime.date, kind: str):
    """The stored file of a day ("jsonl_gz" or "json"), opened for reading, or None."""
    entry = read_manifest().get(day.isoformat())
    if not entry or not entry.get(kind):
        return None
    try:
        return default_storage.open(entry[kind], "rb")
    except (FileNotFoundError, OSError):
        return None
