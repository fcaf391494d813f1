"""The published draw record names the panel only: a reserve never called (released) or an expert
who declined stays an id of the candidate list, without name or reason."""

import pytest
from django.utils import timezone

from experts.models import Panel, PanelSeat
from experts.panel_selectors import draw_record
from tests.evaluation_fixtures import seat_panel


@pytest.mark.django_db
def test_only_seated_members_are_named_once_published(opened_lot, officer, expert_factory):
    seated = [expert_factory() for _ in range(3)]
    panel = seat_panel(opened_lot, officer, seated)
    reserve, decliner = expert_factory(), expert_factory()
    PanelSeat.objects.create(
        panel=panel, kind="expert", member=reserve.user, expert=reserve, position=4, status="released"
    )
    PanelSeat.objects.create(
        panel=panel,
        kind="expert",
        member=decliner.user,
        expert=decliner,
        position=5,
        status="declined",
        decline_reason="家中有事",
    )
    assert all("name" not in row for row in draw_record(panel)["seats"])  # not yet published
    Panel.objects.filter(pk=panel.pk).update(published_at=timezone.now())
    panel.refresh_from_db()
    rows = {row["expert_id"]: row for row in draw_record(panel)["seats"]}
    assert {rows[e.pk]["name"] for e in seated} == {e.name_zh for e in seated}
    for hidden in (reserve, decliner):
        assert "name" not in rows[hidden.pk] and rows[hidden.pk]["decline_reason"] == ""
