"""Release packages and record packages (OCDS 1.1 packaging), and the record of one process with
its compiled release (ocdsmerge, with the project's copy of the schema).

A release package is written around the releases' stored JSON text, without parsing it again: the
API and the bulk files send the bytes as they were published."""

import datetime
import json

from django.conf import settings
from django.utils import timezone

from . import releases, schema
from .releases import dumps  # noqa: F401 - the packages' JSON writer


def metadata(*, uri: str, published: datetime.datetime | None, policy: str) -> dict:
    """The package fields every package carries. `published`: the last change of the contents
    (packages are made on demand), now when there is none."""
    return {
        "uri": uri,
        "version": schema.VERSION,
        "extensions": schema.extension_urls(),
        "publishedDate": releases.iso(published or timezone.now()),
        "publisher": {"name": settings.OCDS_PUBLISHER_NAME, "uri": settings.OCDS_BASE_URL},
        "license": settings.OCDS_LICENSE,
        "publicationPolicy": policy,
    }


def package_head(meta: dict) -> str:
    """The package's JSON up to its releases array: `{…,"releases":[`."""
    return releases.dumps(meta)[:-1] + ',"releases":['


def release_package_text(meta: dict, release_texts: list[str], *, links: dict | None = None) -> str:
    tail = "]" + (',"links":' + releases.dumps(links) if links else "") + "}"
    return package_head(meta) + ",".join(release_texts) + tail


def record(ocid: str, rows: list[tuple[str, datetime.datetime, list[str], str]], release_url) -> dict:
    """The record of one contracting process: its releases linked (URL, date, tags), oldest
    first, and the compiled release (the latest value of every field). rows: (release id, date,
    tags, JSON text); release_url(release id) -> the release's URL."""
    data = [json.loads(text) for _, _, _, text in rows]
    return {
        "ocid": ocid,
        "releases": [
            {"url": release_url(release_id), "date": releases.iso(date), "tag": list(tags)}
            for release_id, date, tags, _ in rows
        ],
        "compiledRelease": schema.merger().create_compiled_release(data),
    }


def record_package(meta: dict, records: list[dict]) -> dict:
    return meta | {"records": records}
