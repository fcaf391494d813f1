"""The daily bulk files (gzipped JSON lines and a release package per day, through the storage), the
command that writes them, their listing and downloads, and the open data page."""

import gzip
import json
from dataclasses import replace

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from disclosure.ocds import bulk, validation
from tests.disclosure.ocds import scenario

pytestmark = pytest.mark.django_db


def day_of(event):
    return timezone.localtime(event.date).date()


def download(client, name: str) -> bytes:
    response = client.get(reverse("ocds:bulk_file", args=[name]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.fixture
def stored(ocds_lot, make_release_rows):
    events = scenario.lifecycle()
    make_release_rows(events, ocds_lot)
    return events


def test_each_day_s_releases_as_gzipped_json_lines_and_a_release_package(
    client, stored, django_assert_num_queries
):
    days = sorted({day_of(e) for e in stored})
    assert bulk.write_changed_days() == days
    day = day_of(stored[0])
    expected = [e.release_id for e in stored if day_of(e) == day]

    raw = download(client, f"{day}.jsonl.gz")
    assert raw[:2] == b"\x1f\x8b"  # gzip
    assert default_storage.exists(bulk.read_manifest()[day.isoformat()]["jsonl_gz"])
    lines = gzip.decompress(raw).decode().splitlines()
    assert [json.loads(line)["id"] for line in lines] == expected

    package = json.loads(download(client, f"{day}.json"))
    assert [r["id"] for r in package["releases"]] == expected
    assert package["uri"].endswith(f"/api/ocds/bulk/{day}.json")
    assert validation.errors(package) == []

    with django_assert_num_queries(0):  # the manifest in the storage, not the database
        listing = client.get(reverse("ocds:bulk")).json()["files"]
    assert [f["date"] for f in listing] == [d.isoformat() for d in reversed(days)]
    assert sum(f["releases"] for f in listing) == len(stored)
    assert listing[-1]["jsonl_gz"].endswith(f"/api/ocds/bulk/{day}.jsonl.gz")


def test_a_day_is_written_again_only_when_its_releases_changed(stored, ocds_lot, make_release_rows):
    bulk.write_changed_days()
    assert bulk.write_changed_days() == []
    day = day_of(stored[0])
    old = bulk.read_manifest()[day.isoformat()]
    late = scenario.lifecycle()[0]
    late = replace(late, release_id=late.release_id + "-late")
    make_release_rows([late], ocds_lot)
    assert bulk.write_changed_days() == [day]
    new = bulk.read_manifest()[day.isoformat()]
    assert new["releases"] == old["releases"] + 1
    assert not default_storage.exists(old["jsonl_gz"]) and default_storage.exists(new["jsonl_gz"])


def test_today_waits_for_tomorrow_night(ocds_lot, make_release_rows):
    event = scenario.lifecycle()[0]
    make_release_rows([replace(event, date=timezone.now())], ocds_lot)
    assert bulk.write_changed_days() == []
    assert bulk.write_changed_days(days=[timezone.localdate()]) == [timezone.localdate()]


def test_the_file_and_the_package_are_streamed_in_blocks(client, ocds_lot, make_release_rows, monkeypatch):
    monkeypatch.setattr(bulk, "BLOCK", 5000)  # the day's releases span several blocks (gzip members)
    one_day = [
        replace(event, date=scenario.at(0, hours=i % 12)) for i, event in enumerate(scenario.lifecycle())
    ]
    make_release_rows(one_day, ocds_lot)
    day = day_of(one_day[0])
    bulk.write_changed_days(days=[day])
    entry = bulk.read_manifest()[day.isoformat()]
    with default_storage.open(entry["jsonl_gz"]) as handle:
        raw = handle.read()
    assert raw.count(b"\x1f\x8b\x08") > 1  # several members, read as one stream
    lines = gzip.decompress(raw).decode().splitlines()
    package = json.loads(download(client, f"{day}.json"))
    assert len(lines) == len(package["releases"]) == entry["releases"] == 14
    assert [json.loads(line)["id"] for line in lines] == [r["id"] for r in package["releases"]]
    assert validation.errors(package) == []


def test_an_empty_day_is_an_empty_gzip_file_and_an_empty_package(client, ocds_lot):
    day = scenario.at(3).date()
    bulk.write_changed_days(days=[day])
    assert gzip.decompress(download(client, f"{day}.jsonl.gz")) == b""
    assert json.loads(download(client, f"{day}.json"))["releases"] == []


def test_the_command_publishes_and_writes_the_days_asked(stored):
    day = day_of(stored[0])
    call_command("publish_ocds_bulk", "--date", day.isoformat())
    assert list(bulk.read_manifest()) == [day.isoformat()]
    call_command("publish_ocds_bulk", "--all")
    assert len(bulk.read_manifest()) == len({day_of(e) for e in stored})
    with pytest.raises(CommandError):
        call_command("publish_ocds_bulk", "--date", "22/11/2026")


@pytest.mark.parametrize(
    "name", ["2026-01-01.json", "2026-01-01.jsonl.gz", "2026-02-30.json", "bogus", "x.csv"]
)
def test_a_day_without_files_is_a_404(client, stored, name):
    bulk.write_changed_days()
    response = client.get(reverse("ocds:bulk_file", args=[name]))
    assert response.status_code == 404 and response.json()["code"] == "bulk_file_not_found"


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Open data (OCDS)"), ("zh-hans", "开放数据（OCDS）")]
)
def test_the_open_data_page(client, stored, language, heading, django_assert_num_queries):
    bulk.write_changed_days()
    client.cookies["django_language"] = language
    with django_assert_num_queries(0):
        response = client.get(reverse("ocds:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert heading in html
    assert "ocds-sunl1t-330400-2026-000001-1" in html
    assert "creativecommons.org/licenses/by/4.0/" in html
    assert f"{day_of(stored[0])}.jsonl.gz" in html
