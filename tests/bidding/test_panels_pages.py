"""Panel pages and API: the agency's panel page (states, never names), the member's invitations
(accept, decline, the bidders after accepting, the declaration with the second factor), who is
refused, both languages and pinned query counts."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Organisation, Role
from experts.models import Panel, PanelSeat
from procurement.models import Lot
from tests.accounts.factories import OrganisationFactory

from .panel_fixtures import *  # noqa: F401,F403
from .panel_fixtures import evaluation_day


def _member_client(client, login, user):
    TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    return login(user)


def test_the_agency_requests_and_draws_from_the_page(client, login, opened_lot, officer, clerk, expert_pool):
    browser = login(officer)
    url = reverse("bidding:panel", args=[opened_lot.pk])
    page = browser.get(url)
    assert page.status_code == 200 and b'data-testid="request-form"' in page.content
    response = browser.post(
        reverse("bidding:panel_request", args=[opened_lot.pk]),
        {
            "specialties": "A02",
            "evaluation_on": evaluation_day().isoformat(),
            "size": "5",
            "representatives": [clerk.pk],
        },
    )
    assert response.status_code == 302
    panel = Panel.objects.get()
    assert panel.seed_sha256.encode() in browser.get(url).content
    browser.post(reverse("bidding:panel_draw", args=[opened_lot.pk]))
    panel.refresh_from_db()
    assert panel.status == Panel.Status.DRAWN
    opened_lot.refresh_from_db()
    assert opened_lot.status == Lot.Status.EVALUATING


def test_a_bad_request_is_shown_and_changes_nothing(client, login, opened_lot, officer, clerk, expert_pool):
    response = login(officer).post(
        reverse("bidding:panel_request", args=[opened_lot.pk]),
        {
            "specialties": "A02",
            "evaluation_on": evaluation_day().isoformat(),
            "size": "4",
            "representatives": [clerk.pk],
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400 and b"odd number" in response.content
    assert not Panel.objects.exists()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_agency_sees_states_not_names(
    client, login, drawn_panel, officer, language, django_assert_num_queries
):
    browser = login(officer)
    url = reverse("bidding:panel", args=[drawn_panel.lot_id])
    browser.get(url)  # warm the session
    with django_assert_num_queries(15):
        page = browser.get(url, HTTP_ACCEPT_LANGUAGE=language)
    text = page.content.decode()
    assert page.status_code == 200 and drawn_panel.seed_sha256 in text
    assert text.count('data-testid="seat-') >= 7
    for seat in drawn_panel.seats.select_related("expert", "member"):
        if seat.expert_id:
            assert seat.expert.name_zh not in text and seat.expert.name_en not in text
    assert ("评审" in text) if language == "zh-hans" else ("Evaluation panel" in text)


@pytest.fixture
def outsiders(make_member, supplier_factory, opened_lot, expert_factory, clerk):
    bidder = opened_lot.bids.select_related("supplier").first().supplier
    return {
        "bidder": make_member(Role.SUPPLIER_REPRESENTATIVE, organisation=bidder),
        "purchaser": clerk,
        "other agency": make_member(
            Role.AGENCY_OFFICER, organisation=OrganisationFactory(kind=Organisation.Kind.AGENCY)
        ),
        "expert not on the panel": expert_factory().user,
    }


@pytest.mark.parametrize("who", ["bidder", "purchaser", "other agency", "expert not on the panel"])
def test_nobody_but_the_agency_learns_the_panel_exists(client, login, drawn_panel, outsiders, who):
    browser = _member_client(client, login, outsiders[who])
    for url in (
        reverse("bidding:panel", args=[drawn_panel.lot_id]),
        reverse("bidding:panel", args=[999999]),
        reverse("api-bidding-lot-panel", args=[drawn_panel.lot_id]),
        reverse("experts:draw_record", args=[drawn_panel.pk]),
    ):
        assert browser.get(url).status_code == 404, url
    seats = browser.get(reverse("api-bidding-panel-invitations")).json()
    assert [s for s in seats if s["panel"] == drawn_panel.pk and who != "purchaser"] == []


def test_anonymous_is_sent_to_log_in(client, drawn_panel):
    response = client.get(reverse("bidding:panel", args=[drawn_panel.lot_id]))
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.get(reverse("bidding:panel_invitations")).status_code == 302
    assert client.get(reverse("experts:draw_record", args=[drawn_panel.pk])).status_code == 404


def _invited_seat(panel, position=1):
    return panel.seats.select_related("member").get(kind=PanelSeat.Kind.EXPERT, position=position)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_expert_accepts_sees_the_bidders_and_declares(client, login, drawn_panel, opened_lot, language):
    seat = _invited_seat(drawn_panel)
    browser = _member_client(client, login, seat.member)
    page = browser.get(reverse("bidding:panel_invitations"), HTTP_ACCEPT_LANGUAGE=language)
    bidder_names = [bid.supplier.name_zh for bid in opened_lot.bids.select_related("supplier")]
    assert page.status_code == 200 and f'data-testid="accept-{seat.pk}"'.encode() in page.content
    assert not any(name.encode() in page.content for name in bidder_names)  # not before accepting
    browser.post(reverse("bidding:panel_invitation_accept", args=[seat.pk]))
    page = browser.get(reverse("bidding:panel_invitations"))
    assert all(name.encode() in page.content for name in bidder_names)
    browser.post(
        reverse("bidding:panel_invitation_declare", args=[seat.pk]), {"answer": "none", "conflict": ""}
    )
    seat.refresh_from_db()
    assert seat.status == PanelSeat.Status.SEATED


def test_declaring_without_the_second_factor_is_refused(client, login, drawn_panel):
    seat = _invited_seat(drawn_panel)
    browser = login(seat.member, verified=False)
    browser.post(reverse("bidding:panel_invitation_accept", args=[seat.pk]))
    response = browser.post(reverse("bidding:panel_invitation_declare", args=[seat.pk]), {"answer": "none"})
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.status == PanelSeat.Status.ACCEPTED


def test_a_decline_needs_a_reason(client, login, drawn_panel):
    seat = _invited_seat(drawn_panel)
    browser = _member_client(client, login, seat.member)
    browser.post(reverse("bidding:panel_invitation_decline", args=[seat.pk]), {"reason": ""})
    seat.refresh_from_db()
    assert seat.status == PanelSeat.Status.INVITED
    browser.post(reverse("bidding:panel_invitation_decline", args=[seat.pk]), {"reason": "出差"})
    seat.refresh_from_db()
    assert seat.status == PanelSeat.Status.DECLINED


def test_someone_elses_invitation_is_404(client, login, drawn_panel):
    mine, theirs = _invited_seat(drawn_panel, 1), _invited_seat(drawn_panel, 2)
    browser = _member_client(client, login, mine.member)
    for seat_id in (theirs.pk, 999999):
        assert browser.post(reverse("bidding:panel_invitation_accept", args=[seat_id])).status_code == 404
        assert browser.post(reverse("api-bidding-panel-accept", args=[seat_id])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == PanelSeat.Status.INVITED


def _three_invitations(panel):
    """The first expert also holds seats on two earlier, dissolved panels of the lot."""
    seat = _invited_seat(panel)
    for _ in range(2):
        old = Panel.objects.create(
            lot_id=panel.lot_id,
            status=Panel.Status.DISSOLVED,
            requested_by=panel.requested_by,
            size=1,
            expert_seats=1,
            purchaser_seats=0,
            reserves=0,
            specialties=["A02"],
            evaluation_on=panel.evaluation_on,
            answer_hours=12,
            seed_sha256="0" * 64,
            seed="0" * 64,
        )
        PanelSeat.objects.create(
            panel=old, kind="expert", member=seat.member, expert=seat.expert, position=1, status="accepted"
        )
    return seat


def test_the_invitations_page_and_list_read_in_fixed_queries(
    client, login, drawn_panel, django_assert_num_queries
):
    seat = _three_invitations(drawn_panel)
    browser = _member_client(client, login, seat.member)
    browser.get(reverse("bidding:panel_invitations"))
    with django_assert_num_queries(6):
        page = browser.get(reverse("bidding:panel_invitations"))
    assert page.content.count(b'data-testid="invitation-') == 3
    with django_assert_num_queries(4):
        listed = browser.get(reverse("api-bidding-panel-invitations")).json()
    assert len(listed) == 3 and all(row["bidders"] for row in listed if row["status"] == "accepted")


def test_the_api_requests_draws_and_answers(client, login, opened_lot, officer, clerk, expert_pool):
    api = login(officer)
    url = reverse("api-bidding-lot-panel", args=[opened_lot.pk])
    assert api.get(url).status_code == 404  # no panel yet
    created = api.post(
        url,
        {
            "evaluation_on": evaluation_day().isoformat(),
            "representatives": [clerk.pk],
            "specialties": ["A02"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["status"] == "requested"
    drawn = api.post(reverse("api-bidding-lot-panel-draw", args=[opened_lot.pk]))
    body = drawn.json()
    assert drawn.status_code == 200 and body["status"] == "drawn" and len(body["seats"]) == 8
    assert "name" not in body["seats"][0] and "member" not in body["seats"][0]
    seat = Panel.objects.get().seats.select_related("member").get(kind="expert", position=1)
    member = _member_client(client, login, seat.member)
    bad = member.post(
        reverse("api-bidding-panel-decline", args=[seat.pk]), {"reason": ""}, content_type="application/json"
    )
    assert bad.status_code == 400
    accepted = member.post(reverse("api-bidding-panel-accept", args=[seat.pk]))
    assert accepted.status_code == 200 and len(accepted.json()["bidders"]) == 3
    declared = member.post(
        reverse("api-bidding-panel-declare", args=[seat.pk]),
        {"conflict": ""},
        content_type="application/json",
    )
    assert declared.status_code == 200 and declared.json()["status"] == "seated"
