"""A purchaser representative who declines is replaced by another of the purchaser's clerks or
approvers, invited by the agency officer (second factor); then the panel can still be seated.
Refused while the panel has its representatives, for someone who already had a seat, for
someone outside the purchaser, and for anyone but the agency's officer."""

import pytest
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from bidding.models import Evaluation
from bidding.panels import services
from common.exceptions import DomainError, PermissionDenied
from experts.models import PanelSeat
from tests.bidding.helpers import verified

from .panel_fixtures import *  # noqa: F401,F403


def _seat(seat):
    services.accept_invitation(seat.pk, actor=seat.member)
    services.declare(seat.pk, actor=verified(seat.member))


def test_a_declined_representative_is_replaced_and_the_panel_is_seated(
    drawn_panel, officer, clerk, approvers
):
    lot = drawn_panel.lot
    with pytest.raises(DomainError) as full:
        services.name_representative(lot.pk, actor=verified(officer), user_id=approvers[0].pk)
    assert full.value.code == "representatives_complete"
    representative = drawn_panel.seats.get(kind="purchaser_representative")
    services.decline_invitation(representative.pk, actor=clerk, reason="出差")
    unverified = User.objects.get(pk=officer.pk)  # the fixture's officer object passed the second factor
    with pytest.raises(PermissionDenied):
        services.name_representative(lot.pk, actor=unverified, user_id=approvers[0].pk)
    with pytest.raises(DomainError) as again:
        services.name_representative(lot.pk, actor=verified(officer), user_id=clerk.pk)
    assert again.value.code == "already_seated"
    seat = services.name_representative(lot.pk, actor=verified(officer), user_id=approvers[0].pk)
    assert seat.status == PanelSeat.Status.INVITED and seat.member == approvers[0] and seat.reply_by
    assert AuditEvent.objects.filter(action="experts.representative_named", data__seat=seat.pk).exists()
    assert AuditEvent.objects.filter(action="bidding.panel_representative_named").count() == 1
    for each in drawn_panel.seats.filter(status="invited").exclude(kind="purchaser_representative"):
        _seat(each)
    _seat(seat)
    assert Evaluation.objects.filter(panel=drawn_panel).exists()


def test_someone_outside_the_purchaser_or_another_agency_is_refused(
    drawn_panel, officer, other_officer, clerk, foreign_clerk
):
    lot = drawn_panel.lot
    services.decline_invitation(
        drawn_panel.seats.get(kind="purchaser_representative").pk, actor=clerk, reason="病假"
    )
    with pytest.raises(DomainError) as outside:
        services.name_representative(lot.pk, actor=verified(officer), user_id=foreign_clerk.pk)
    assert outside.value.code == "invalid_panel_request"
    with pytest.raises(DomainError) as foreign:
        services.name_representative(lot.pk, actor=verified(other_officer), user_id=foreign_clerk.pk)
    assert foreign.value.status == 404
    assert not drawn_panel.seats.filter(member=foreign_clerk).exists()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_panel_page_offers_the_replacement_once_a_representative_is_out(
    drawn_panel, officer, clerk, approvers, login, language
):
    lot = drawn_panel.lot
    client = login(officer)
    url = reverse("bidding:panel", args=[lot.pk])
    assert b'data-testid="representative-form"' not in client.get(url).content
    services.decline_invitation(
        drawn_panel.seats.get(kind="purchaser_representative").pk, actor=clerk, reason="x"
    )
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert b'data-testid="representative-form"' in page.content
    response = client.post(
        reverse("bidding:panel_representative", args=[lot.pk]), {"representative": approvers[1].pk}
    )
    assert response.status_code == 302
    assert drawn_panel.seats.filter(member=approvers[1], status="invited").exists()
