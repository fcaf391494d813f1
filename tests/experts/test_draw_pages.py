"""The public draw record: secret (404) until published with the result notice, then the record,
its JSON and a replay form where a different candidate list fails visibly; the replay_draw
command does the same from a file."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from experts import draw, panels

from .test_draw_panels import _no_broker, drawn, pool  # noqa: F401


@pytest.fixture
def published(drawn):  # noqa: F811
    """The drawn panel published, its invited experts having taken their seats (only members are named)."""
    drawn.seats.filter(status="invited").update(status="seated")
    return panels.publish_draw(drawn)


def test_an_unpublished_draw_is_404_for_everyone(client, drawn, login, officer):  # noqa: F811
    assert client.get(reverse("experts:draw_record", args=[drawn.pk])).status_code == 404
    assert client.get(reverse("experts:draw_record_json", args=[drawn.pk])).status_code == 404
    assert login(officer).get(reverse("experts:draw_record", args=[drawn.pk])).status_code == 404
    assert client.get(reverse("experts:draw_record", args=[999999])).status_code == 404


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_published_record_shows_seed_order_and_names(
    client, published, language, django_assert_num_queries
):
    with django_assert_num_queries(3):
        page = client.get(reverse("experts:draw_record", args=[published.pk]), HTTP_ACCEPT_LANGUAGE=language)
    text = page.content.decode()
    assert page.status_code == 200
    assert published.seed in text and published.seed_sha256 in text and published.candidates_sha256 in text
    for seat in published.seats.filter(kind="expert").select_related("expert"):
        assert (seat.expert.name_zh in text) == (seat.status == "seated")
    assert ("抽取" in text or "评审" in text) if language == "zh-hans" else "Draw record" in text


def test_the_json_download_replays(client, published):
    response = client.get(reverse("experts:draw_record_json", args=[published.pk]))
    record = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment")
    assert draw.verify(record["seed"], record["candidates"], record).reproduces


def test_a_replay_with_the_published_list_reproduces(client, published):
    page = client.post(
        reverse("experts:draw_replay", args=[published.pk]),
        {"seed": published.seed, "candidates": ", ".join(str(i) for i in reversed(published.candidates))},
    )
    assert page.status_code == 200 and b'data-testid="replay-ok"' in page.content


def test_a_replay_with_another_candidate_list_fails_visibly(client, published):
    other = published.candidates[1:]
    page = client.post(
        reverse("experts:draw_replay", args=[published.pk]),
        {"seed": published.seed, "candidates": "\n".join(str(i) for i in other)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="replay-failed"' in text and "alert-danger" in text
    assert 'data-testid="difference-candidates_mismatch"' in text
    assert f"missing: {published.candidates[0]}" in text


def test_an_unreadable_seed_is_a_400_with_its_message(client, published):
    page = client.post(
        reverse("experts:draw_replay", args=[published.pk]),
        {"seed": "xyz", "candidates": "1,2"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.status_code == 400 and b"64 hexadecimal digits" in page.content


def test_the_command_replays_a_record_file(tmp_path, published, capsys):
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(panels.draw_record(published)), encoding="utf-8")
    call_command("replay_draw", str(path))
    assert "reproduces" in capsys.readouterr().out
    other = tmp_path / "other.txt"
    other.write_text("\n".join(str(i) for i in published.candidates[:-1]), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("replay_draw", str(path), "--candidates", str(other))
    assert error.value.returncode == 1
    assert "candidates_mismatch" in capsys.readouterr().err
