"""The credit pages: who may open each one, their query counts, and the forms that change state."""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEvent
from credit import selectors, services
from credit.models import (
    AppealDocument,
    BlacklistEntry,
    CreditAppeal,
    CreditEvent,
    CreditImport,
    CreditImportRow,
    CreditRecord,
    CreditRule,
)

from .factories import (
    PNG_BYTES,
    BlacklistEntryFactory,
    CreditAppealFactory,
    CreditRecordFactory,
    ExpertRecordFactory,
    csv_feed,
    disguised_pdf,
    pdf_upload,
)
from .factories import supplier as make_supplier
from .pages_helpers import ROLES, build_world, client_for, feed_row, matrix, penalty_against, unknown_uscc

LOGIN = "login"  # a redirect to the login page


@pytest.fixture
def world(make_member):
    return build_world(make_member)


def outcome(response) -> int | str:
    if response.status_code == 302 and response.url.startswith(reverse("accounts:login")):
        return LOGIN
    return response.status_code


def page_urls(w) -> dict[str, str]:
    return {
        "index": reverse("credit:index"),
        "blacklist": reverse("credit:blacklist"),
        "red_list": reverse("credit:red_list"),
        "rules": reverse("credit:rules"),
        "party": reverse("credit:party", args=[w.supplier_record.pk]),
        "mine": reverse("credit:mine"),
        "appeal": reverse("credit:appeal", args=[w.penalty.pk]),
        "supervision": reverse("credit:supervision"),
        "supervised_record": reverse("credit:supervised_record", args=[w.supplier_record.pk]),
        "record_penalty": reverse("credit:record_penalty", args=[w.supplier_record.pk]),
        "appeals": reverse("credit:appeals"),
        "appeal_decision": reverse("credit:appeal_decision", args=[w.appeal.pk]),
        "imports": reverse("credit:imports"),
        "import_report": reverse("credit:import_report", args=[w.batch.pk]),
    }


# Columns: anonymous, purchaser clerk, supplier representative, expert, regulator of the region,
# regulator of another region, bank officer (pages_helpers.ROLES).
PAGES = matrix(
    index=(200, 200, 200, 200, 200, 200, 200),
    blacklist=(200, 200, 200, 200, 200, 200, 200),
    red_list=(200, 200, 200, 200, 200, 200, 200),
    rules=(200, 200, 200, 200, 200, 200, 200),
    party=(200, 200, 200, 200, 200, 200, 200),
    mine=(LOGIN, 200, 200, 200, 200, 200, 200),
    appeal=(LOGIN, 404, 200, 404, 404, 404, 404),
    supervision=(LOGIN, 403, 403, 403, 200, 200, 403),
    supervised_record=(LOGIN, 403, 403, 403, 200, 404, 403),
    record_penalty=(LOGIN, 403, 403, 403, 200, 404, 403),
    appeals=(LOGIN, 403, 403, 403, 200, 200, 403),
    appeal_decision=(LOGIN, 403, 403, 403, 200, 404, 403),
    imports=(LOGIN, 403, 403, 403, 200, 200, 403),
    import_report=(LOGIN, 403, 403, 403, 200, 404, 403),
)


@pytest.mark.parametrize("role", ROLES)
def test_page_permission_matrix(world, client, login, role):
    browser = client_for(role, world, client, login)
    got = {name: outcome(browser.get(url)) for name, url in page_urls(world).items()}
    assert got == PAGES[role]


def download_urls(w) -> dict[str, str]:
    return {
        "published_penalty": reverse("credit:event_document", args=[w.penalty.pk]),
        "unpublished_event": reverse("credit:event_document", args=[w.unpublished.pk]),
        "event_without_document": reverse("credit:event_document", args=[w.appealed.pk]),
        "missing_event": reverse("credit:event_document", args=[999_999_999]),
        "appeal_document": reverse("credit:appeal_document", args=[w.appeal.documents.get().pk]),
        "missing_appeal_document": reverse("credit:appeal_document", args=[999_999_999]),
    }


DOWNLOADS = matrix(
    published_penalty=(200, 200, 200, 200, 200, 200, 200),
    unpublished_event=(404, 404, 200, 404, 200, 404, 404),
    event_without_document=(404, 404, 404, 404, 404, 404, 404),
    missing_event=(404, 404, 404, 404, 404, 404, 404),
    appeal_document=(LOGIN, 404, 200, 404, 200, 404, 404),
    missing_appeal_document=(LOGIN, 404, 404, 404, 404, 404, 404),
)


@pytest.mark.parametrize("role", ROLES)
def test_document_download_matrix(world, client, login, role):
    browser = client_for(role, world, client, login)
    responses = {name: browser.get(url) for name, url in download_urls(world).items()}
    assert {name: outcome(r) for name, r in responses.items()} == DOWNLOADS[role]
    for response in responses.values():
        if response.status_code == 200:
            assert response["Content-Disposition"].startswith("attachment;")
            assert b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.parametrize("role", ["regulator", "bank_officer", "other_regulator"])
def test_mine_without_a_party_record_says_so(world, client, login, role):
    response = client_for(role, world, client, login).get(reverse("credit:mine"))
    body = response.content.decode()
    assert 'data-testid="no-record"' in body
    assert 'data-testid="explained-score"' not in body


@pytest.mark.parametrize(
    "role, record",
    [
        ("purchaser_clerk", "purchaser_record"),
        ("expert", "expert_record"),
        ("supplier_representative", "supplier_record"),
    ],
)
def test_mine_shows_the_partys_own_record(world, client, login, role, record):
    response = client_for(role, world, client, login).get(reverse("credit:mine"))
    body = response.content.decode()
    assert 'data-testid="explained-score"' in body
    assert reverse("credit:party", args=[getattr(world, record).pk]) in body


def test_mine_of_a_blacklisted_supplier_says_why(world, login):
    client = login(world.users["supplier_representative"])
    response = client.get(reverse("credit:mine"), HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert "You cannot register for lots, bid, be awarded or apply for contract financing." in body
    assert "False materials to win a contract" in body
    assert "Party to a major tax violation case" in body
    # Only the party's own events in force and against it offer an appeal.
    assert f'data-testid="appeal-{world.penalty.pk}"' in body
    assert f'data-testid="appeal-{world.appealed.pk}"' not in body


@pytest.mark.parametrize(
    "name, other",
    [
        ("credit:appeal", lambda w: w.penalty.pk),
        ("credit:supervised_record", lambda w: w.supplier_record.pk),
        ("credit:appeal_decision", lambda w: w.appeal.pk),
        ("credit:import_report", lambda w: w.batch.pk),
    ],
)
def test_a_foreign_id_is_the_same_404_as_a_missing_one(world, login, name, other):
    """The party's appeal form for another party's event, the other region's records, appeals
    and imports: the page does not admit that the object exists."""
    user = world.users["other_regulator"] if name != "credit:appeal" else world.users["purchaser_clerk"]
    client = login(user)
    foreign = client.get(reverse(name, args=[other(world)]), HTTP_ACCEPT_LANGUAGE="en")
    missing = client.get(reverse(name, args=[999_999_999]), HTTP_ACCEPT_LANGUAGE="en")
    assert foreign.status_code == missing.status_code == 404
    assert _main(foreign) == _main(missing)


def test_another_regions_regulator_sees_none_of_this_regions_records_appeals_or_imports(world, login):
    client = login(world.users["other_regulator"])
    for name in ("credit:supervision", "credit:appeals", "credit:imports"):
        response = client.get(reverse(name))
        assert (response.status_code, len(response.context["page"])) == (200, 0), name
    assert client.get(reverse("credit:supervision")).context["pending_appeals"] == 0


def _main(response) -> str:
    """The page's <main> element, which carries the message (nonces and tokens live elsewhere)."""
    body = response.content.decode()
    return body[body.index('<main id="main"') : body.index("</main>")]


def test_another_regulator_cannot_post_a_penalty_against_a_record_it_does_not_supervise(world, login):
    client = login(world.users["other_regulator"])
    before = CreditEvent.objects.count()
    response = client.post(
        reverse("credit:record_penalty", args=[world.supplier_record.pk]),
        penalty_form(rule_code="supplier.bribery", document=pdf_upload()),
    )
    assert response.status_code == 404
    assert CreditEvent.objects.count() == before


def test_regulator_without_its_second_factor_is_sent_to_verify(world, login):
    client = login(world.users["regulator"], verified=False)
    response = client.get(reverse("credit:supervision"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:otp_verify"))


# --- Query counts ---------------------------------------------------------------------------------


def _warm(client, url):
    """The first request fills the caches (rulebook rows, session); the pinned one is the second."""
    assert client.get(url).status_code == 200


def test_public_index_query_count(world, client, django_assert_num_queries):
    for _i in range(3):
        CreditRecordFactory()
        ExpertRecordFactory()
    url = reverse("credit:index")
    _warm(client, url)
    # count, the page of records with their organisation or expert, the stars distribution
    with django_assert_num_queries(3):
        response = client.get(url)
    assert len(response.context["page"]) == CreditRecord.objects.count() >= 9
    bars = {bar.stars: bar.count for bar in response.context["distribution"]}
    assert sum(bars.values()) == CreditRecord.objects.count()
    assert bars[4] == CreditRecord.objects.filter(stars=4).count()


def test_public_blacklist_query_count(world, client, django_assert_num_queries):
    BlacklistEntryFactory()
    BlacklistEntryFactory(event__record=ExpertRecordFactory())
    url = reverse("credit:blacklist")
    _warm(client, url)
    # count, the page of bans with their record's party and the rule
    with django_assert_num_queries(2):
        response = client.get(url)
    assert len(response.context["page"]) == 4


def test_public_red_list_query_count(world, client, django_assert_num_queries):
    CreditRecord.objects.update(is_red_listed=True, stars=5)
    ExpertRecordFactory(is_red_listed=True, stars=5)
    url = reverse("credit:red_list")
    _warm(client, url)
    with django_assert_num_queries(2):
        response = client.get(url)
    assert len(response.context["page"]) == 4


def test_rules_query_count(world, client, django_assert_num_queries):
    url = reverse("credit:rules")
    _warm(client, url)
    with django_assert_num_queries(1):
        response = client.get(url)
    assert len(response.context["rules"]) == CreditRule.objects.filter(is_active=True).count() >= 20


def _decided_penalties(world, count=3):
    """`count` more published penalties of the supplier, each appealed and decided."""
    regulator, rep = world.users["regulator"], world.users["supplier_representative"]
    for i in range(count):
        event = penalty_against(world.supplier_record, regulator, rule_code="supplier.late_delivery")
        appeal = services.appeal_event(
            event.pk, actor=rep, reasons=f"Reason {i}", documents=[pdf_upload(f"note-{i}.pdf")]
        )
        services.decide_appeal(appeal.pk, actor=regulator, reverse=bool(i % 2), reasons="Checked.")


def test_party_page_query_count(world, client, django_assert_num_queries):
    _decided_penalties(world)
    url = reverse("credit:party", args=[world.supplier_record.pk])
    _warm(client, url)
    # record, bans, penalties, their appeals (+ decided_by), documents, ban of each penalty
    with django_assert_num_queries(6):
        response = client.get(url)
    assert len(response.context["penalties"]) == 4


def test_party_page_of_an_expert(world, client):
    response = client.get(reverse("credit:party", args=[world.expert_record.pk]))
    assert response.status_code == 200
    assert world.users["expert"].get_full_name() in response.content.decode()


def test_mine_query_count(world, login, django_assert_num_queries):
    _decided_penalties(world)
    client = login(world.users["supplier_representative"])
    url = reverse("credit:mine")
    _warm(client, url)
    # session, user with membership, own record, events (with rule, evidence type, recorder), their
    # appeals, appeal documents, bans of the events, rulebook: base and four star bands, the
    # record's bans; eligibility (one statement); unread notifications, other memberships (menu)
    with django_assert_num_queries(15):
        response = client.get(url)
    assert len(response.context["explanation"].lines) == 7


def test_supervision_query_count(world, login, django_assert_num_queries):
    for _i in range(3):
        CreditRecordFactory(organisation=make_supplier(region_code="330402"))
    client = login(world.users["regulator"])
    url = reverse("credit:supervision")
    _warm(client, url)
    with django_assert_num_queries(7):
        response = client.get(url)
    assert len(response.context["page"]) == 6
    assert response.context["pending_appeals"] == 1


def test_supervised_record_query_count(world, login, django_assert_num_queries):
    _decided_penalties(world)
    client = login(world.users["regulator"])
    url = reverse("credit:supervised_record", args=[world.supplier_record.pk])
    _warm(client, url)
    # session, user with membership, second-factor device, record, events, their appeals, appeal
    # documents, bans of the events, rulebook: base and four star bands, the record's bans, unread
    # notifications, other memberships (menu)
    with django_assert_num_queries(15):
        response = client.get(url)
    assert len(response.context["explanation"].lines) == 7


def test_appeals_query_count(world, login, django_assert_num_queries):
    for _i in range(3):
        appeal = CreditAppealFactory(event__record=world.supplier_record)
        AppealDocument.objects.create(appeal=appeal, file=pdf_upload(), name="a.pdf", sha256="0" * 64)
    client = login(world.users["regulator"])
    url = reverse("credit:appeals")
    _warm(client, url)
    with django_assert_num_queries(7):
        response = client.get(url)
    assert len(response.context["page"]) == 4


def test_imports_query_count(world, login, django_assert_num_queries):
    regulator = world.users["regulator"]
    for i in range(3):
        services.import_feed(
            csv_feed(
                [feed_row(unknown_uscc(), "external.major_tax_violation", f"REF-{i}")], name=f"f{i}.csv"
            ),
            actor=regulator,
            source_name="Credit China (test)",
        )
    client = login(regulator)
    url = reverse("credit:imports")
    _warm(client, url)
    with django_assert_num_queries(6):
        response = client.get(url)
    assert len(response.context["page"]) == 4


def test_import_report_query_count(world, login, django_assert_num_queries):
    regulator = world.users["regulator"]
    batch = services.import_feed(
        csv_feed(
            [
                feed_row(world.supplier.uscc, "external.dishonest_judgment_debtor", "COURT-1"),
                feed_row(unknown_uscc(), "external.major_tax_violation", "TAX-9"),
                feed_row("91330400MA0000000X", "external.major_tax_violation", "TAX-10"),
                feed_row(world.supplier.uscc, "external.no_such_rule", "X-1"),
            ]
        ),
        actor=regulator,
        source_name="Credit China (test)",
    )
    client = login(regulator)
    url = reverse("credit:import_report", args=[batch.pk])
    _warm(client, url)
    with django_assert_num_queries(6):
        response = client.get(url)
    assert [row.outcome for row in response.context["rows"]] == [
        CreditImportRow.Outcome.RECORDED,
        CreditImportRow.Outcome.UNMATCHED,
        CreditImportRow.Outcome.REJECTED,
        CreditImportRow.Outcome.REJECTED,
    ]


# --- Penalty decisions --------------------------------------------------------------------------


def penalty_form(*, rule_code="supplier.collusion", document=None, **fields) -> dict:
    data = {
        "rule": CreditRule.objects.get(code=rule_code).pk,
        "occurred_on": selectors.today().isoformat(),
        "description": "Bids drafted by the same person.",
        "ban_years": "",
        **fields,
    }
    if document is not None:
        data["document"] = document
    return data


def _media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_penalty_form_records_publishes_and_bans(login, make_member, regulator, supplier, settings):
    record = services.ensure_credit_record(supplier)
    client = login(regulator)
    response = client.post(
        reverse("credit:record_penalty", args=[record.pk]),
        penalty_form(document=pdf_upload("绵财采罚〔2026〕3号.pdf"), ban_years="2"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    assert response.url == reverse("credit:supervised_record", args=[record.pk])
    event = CreditEvent.objects.get(record=record)
    assert event.source == CreditEvent.Source.SUPERVISION
    assert event.is_published and event.recorded_by == regulator
    assert event.document.name.endswith(".pdf") and len(event.document_sha256) == 64
    ban = BlacklistEntry.objects.get(event=event)
    assert ban.status == BlacklistEntry.Status.ACTIVE
    assert ban.ends_on.year == ban.starts_on.year + 2
    assert AuditEvent.objects.filter(action="credit.event_recorded", actor=regulator).count() == 1
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The penalty decision is recorded and published." in page
    public = client.get(reverse("credit:party", args=[record.pk])).content.decode()
    assert reverse("credit:event_document", args=[event.pk]) in public


def _assert_penalty_refused(response, record, settings):
    assert response.status_code == 400
    assert not CreditEvent.objects.filter(record=record).exists()
    assert not BlacklistEntry.objects.filter(record=record).exists()
    assert not AuditEvent.objects.filter(action="credit.event_recorded").exists()
    assert _media_files(settings) == []


@pytest.mark.parametrize(
    "lang, message", [("zh-hans", "该字段是必填项。"), ("en", "This field is required.")]
)
def test_penalty_without_a_document_is_refused(login, regulator, supplier, settings, lang, message):
    record = services.ensure_credit_record(supplier)
    client = login(regulator)
    response = client.post(
        reverse("credit:record_penalty", args=[record.pk]), penalty_form(), HTTP_ACCEPT_LANGUAGE=lang
    )
    _assert_penalty_refused(response, record, settings)
    assert message in response.content.decode()


@pytest.mark.parametrize(
    "lang, message",
    [
        ("zh-hans", "“decision.pdf”的扩展名为 .pdf，但内容并非如此：实际为 text/plain。"),
        ("en", "“decision.pdf” is called .pdf but its content is not: it is text/plain."),
    ],
)
def test_penalty_with_a_disguised_document_is_refused(login, regulator, supplier, settings, lang, message):
    record = services.ensure_credit_record(supplier)
    client = login(regulator)
    response = client.post(
        reverse("credit:record_penalty", args=[record.pk]),
        penalty_form(document=disguised_pdf()),
        HTTP_ACCEPT_LANGUAGE=lang,
    )
    _assert_penalty_refused(response, record, settings)
    assert message in response.content.decode()


@pytest.mark.parametrize(
    "rule_code",
    ["expert.no_show", "supplier.completed_on_time"],
    ids=["rule of another kind of party", "rule of good conduct"],
)
def test_penalty_under_a_wrong_rule_is_refused(login, regulator, supplier, settings, rule_code):
    record = services.ensure_credit_record(supplier)
    client = login(regulator)
    response = client.post(
        reverse("credit:record_penalty", args=[record.pk]),
        penalty_form(rule_code=rule_code, document=pdf_upload()),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    _assert_penalty_refused(response, record, settings)
    assert (
        "Select a valid choice. That choice is not one of the available choices." in response.content.decode()
    )


def test_penalty_ban_longer_than_the_law_allows_is_refused(login, regulator, supplier, settings):
    record = services.ensure_credit_record(supplier)
    client = login(regulator)
    response = client.post(
        reverse("credit:record_penalty", args=[record.pk]),
        penalty_form(document=pdf_upload(), ban_years="5"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    _assert_penalty_refused(response, record, settings)
    assert "Ensure this value is less than or equal to 3." in response.content.decode()


def test_penalty_in_the_future_is_refused_with_the_services_message(login, regulator, supplier, settings):
    record = services.ensure_credit_record(supplier)
    client = login(regulator)
    tomorrow = selectors.today() + datetime.timedelta(days=1)
    response = client.post(
        reverse("credit:record_penalty", args=[record.pk]),
        penalty_form(document=pdf_upload(), occurred_on=tomorrow.isoformat()),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    _assert_penalty_refused(response, record, settings)
    assert "The date lies in the future." in response.content.decode()


def test_penalty_form_offers_only_bad_conduct_of_the_partys_kind(login, regulator, supplier):
    record = services.ensure_credit_record(supplier)
    response = login(regulator).get(reverse("credit:record_penalty", args=[record.pk]))
    offered = set(response.context["form"].fields["rule"].queryset.values_list("code", flat=True))
    assert "supplier.false_materials" in offered and "external.major_tax_violation" in offered
    assert "supplier.completed_on_time" not in offered
    assert not any(code.startswith(("expert.", "agency.", "purchaser.")) for code in offered)


# --- Appeals ------------------------------------------------------------------------------------


@pytest.fixture
def banned(supplier, regulator, supplier_rep):
    """A published penalty banning `supplier`, which `supplier_rep` may appeal."""
    return penalty_against(services.ensure_credit_record(supplier), regulator)


def test_appeal_form_files_the_appeal(login, banned, supplier_rep, regulator):
    client = login(supplier_rep)
    url = reverse("credit:appeal", args=[banned.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.context["deadline"] == banned.appeal_deadline
    response = client.post(
        url,
        {
            "reasons": "The certificate was genuine; the issuer confirms it.",
            "documents": [pdf_upload("confirmation.pdf"), pdf_upload("cert.png", PNG_BYTES)],
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("credit:mine")
    appeal = CreditAppeal.objects.get(event=banned)
    assert appeal.status == CreditAppeal.Status.PENDING and appeal.appellant == supplier_rep
    assert sorted(appeal.documents.values_list("name", flat=True)) == ["cert.png", "confirmation.pdf"]
    assert CreditEvent.objects.get(pk=banned.pk).status == CreditEvent.Status.APPEALED
    assert AuditEvent.objects.filter(action="credit.event_appealed", actor=supplier_rep).count() == 1
    # The regulator of the region is told.
    assert regulator.notifications.filter(link=reverse("credit:appeal_decision", args=[appeal.pk])).exists()


@pytest.mark.parametrize(
    "lang, message",
    [
        ("zh-hans", "该信用事项的异议期限已于 {day} 届满。"),
        ("en", "The time to appeal this event ended on {day}."),
    ],
)
def test_appeal_after_the_deadline_is_refused(login, banned, supplier_rep, lang, message):
    deadline = selectors.today() - datetime.timedelta(days=1)
    CreditEvent.objects.filter(pk=banned.pk).update(appeal_deadline=deadline)
    client = login(supplier_rep)
    response = client.post(
        reverse("credit:appeal", args=[banned.pk]), {"reasons": "Too late?"}, HTTP_ACCEPT_LANGUAGE=lang
    )
    assert response.status_code == 400
    assert message.format(day=deadline.isoformat()) in response.content.decode()
    assert not CreditAppeal.objects.exists()
    assert CreditEvent.objects.get(pk=banned.pk).status == CreditEvent.Status.IN_FORCE


def test_appeal_without_reasons_is_refused(login, banned, supplier_rep):
    response = login(supplier_rep).post(
        reverse("credit:appeal", args=[banned.pk]), {"reasons": ""}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    assert "该字段是必填项。" in response.content.decode()
    assert not CreditAppeal.objects.exists()


def test_appeal_with_a_disguised_document_is_refused(login, banned, supplier_rep, settings):
    files_before = _media_files(settings)
    response = login(supplier_rep).post(
        reverse("credit:appeal", args=[banned.pk]),
        {"reasons": "See the attachment.", "documents": [disguised_pdf("proof.pdf")]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "“proof.pdf” is called .pdf but its content is not" in response.content.decode()
    assert not CreditAppeal.objects.exists()
    assert _media_files(settings) == files_before


def test_a_second_appeal_of_the_same_event_is_refused(login, banned, supplier_rep):
    client = login(supplier_rep)
    url = reverse("credit:appeal", args=[banned.pk])
    assert client.post(url, {"reasons": "First."}).status_code == 302
    response = client.post(url, {"reasons": "Second."}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert (
        "This event cannot be appealed: it is reversed or already under appeal." in response.content.decode()
    )
    assert CreditAppeal.objects.filter(event=banned).count() == 1


def test_the_appeal_page_of_an_event_under_appeal_says_so_and_offers_no_form(login, banned, supplier_rep):
    client = login(supplier_rep)
    url = reverse("credit:appeal", args=[banned.pk])
    assert 'data-testid="appeal-form"' in client.get(url).content.decode()
    client.post(url, {"reasons": "First."})
    page = client.get(url).content.decode()
    assert 'data-testid="not-appealable"' in page
    assert 'data-testid="appeal-form"' not in page


# --- Appeal decisions ---------------------------------------------------------------------------


@pytest.fixture
def pending(banned, supplier_rep):
    return services.appeal_event(banned.pk, actor=supplier_rep, reasons="The certificate is genuine.")


@pytest.mark.parametrize("decision", ["uphold", "reverse"])
def test_decision_form_decides_the_appeal(login, regulator, pending, decision):
    client = login(regulator)
    url = reverse("credit:appeal_decision", args=[pending.pk])
    response = client.post(
        url, {"decision": decision, "reasons": "Checked with the issuer."}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302
    assert response.url == url
    appeal = CreditAppeal.objects.get(pk=pending.pk)
    event = appeal.event
    ban = BlacklistEntry.objects.get(event=event)
    if decision == "reverse":
        assert appeal.status == CreditAppeal.Status.REVERSED
        assert event.status == CreditEvent.Status.REVERSED
        assert ban.status == BlacklistEntry.Status.LIFTED and ban.ended_at is not None
    else:
        assert appeal.status == CreditAppeal.Status.UPHELD
        assert event.status == CreditEvent.Status.IN_FORCE
        assert ban.status == BlacklistEntry.Status.ACTIVE
    assert appeal.decided_by == regulator and appeal.decision_reasons == "Checked with the issuer."
    assert AuditEvent.objects.filter(action="credit.appeal_decided", actor=regulator).count() == 1
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="decision-form"' not in page
    assert "The appeal is decided." in page


@pytest.mark.parametrize(
    "viewer, page_name",
    [("supplier_rep", "credit:mine"), ("regulator", "credit:supervised_record"), (None, "credit:party")],
)
def test_a_reversed_ban_is_history_not_a_listing(
    request, client, login, regulator, pending, viewer, page_name
):
    """After the reversal the party is on no list; its own and the supervision page keep the lifted
    ban in the table of bans."""
    services.decide_appeal(pending.pk, actor=regulator, reverse=True, reasons="The certificate is genuine.")
    browser = login(request.getfixturevalue(viewer)) if viewer else client
    args = [] if page_name == "credit:mine" else [pending.event.record_id]
    body = browser.get(reverse(page_name, args=args), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    lists = body[body.index('data-testid="lists"') :].split("</div>", 1)[0]
    assert "On the blacklist" not in lists
    assert "On no list" in lists
    if viewer:
        assert "Lifted on appeal" in body
    blacklist = client.get(reverse("credit:blacklist")).content.decode()
    assert reverse("credit:party", args=[pending.event.record_id]) not in blacklist


def test_an_active_ban_is_a_listing(login, supplier_rep, banned):
    body = login(supplier_rep).get(reverse("credit:mine"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    lists = body[body.index('data-testid="lists"') :].split("</div>", 1)[0]
    assert "On the blacklist" in lists


def test_a_second_decision_is_refused(login, regulator, pending):
    client = login(regulator)
    url = reverse("credit:appeal_decision", args=[pending.pk])
    assert client.post(url, {"decision": "uphold", "reasons": "Checked."}).status_code == 302
    decided = CreditAppeal.objects.get(pk=pending.pk)
    response = client.post(
        url, {"decision": "reverse", "reasons": "Changed my mind."}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "This appeal has already been decided." in response.content.decode()
    after = CreditAppeal.objects.get(pk=pending.pk)
    assert (after.status, after.decided_at, after.decision_reasons) == (
        decided.status,
        decided.decided_at,
        decided.decision_reasons,
    )
    assert after.event.status == CreditEvent.Status.IN_FORCE
    assert AuditEvent.objects.filter(action="credit.appeal_decided").count() == 1


def test_decision_without_reasons_is_refused(login, regulator, pending):
    response = login(regulator).post(
        reverse("credit:appeal_decision", args=[pending.pk]), {"decision": "reverse", "reasons": ""}
    )
    assert response.status_code == 400
    assert CreditAppeal.objects.get(pk=pending.pk).status == CreditAppeal.Status.PENDING


# --- Imports ------------------------------------------------------------------------------------


def _feed(supplier):
    return csv_feed(
        [
            feed_row(supplier.uscc, "external.dishonest_judgment_debtor", "(2026)浙04执1号"),
            feed_row(unknown_uscc(), "external.major_tax_violation", "TAX-2026-7"),
            feed_row("91330400MA6KX1234", "external.serious_procurement_violation", "CCGP-2026-42"),
        ],
        name="credit-china.csv",
    )


def test_import_form_imports_and_shows_the_report(login, regulator, supplier):
    client = login(regulator)
    response = client.post(
        reverse("credit:imports"),
        {"source_name": "信用中国", "feed": _feed(supplier)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    batch = CreditImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("credit:import_report", args=[batch.pk])
    assert (batch.recorded_count, batch.unmatched_count, batch.rejected_count) == (1, 1, 1)
    assert batch.imported_by == regulator and batch.region_code == "330400"
    event = CreditEvent.objects.get(source=CreditEvent.Source.EXTERNAL)
    assert event.record.organisation == supplier
    assert BlacklistEntry.objects.filter(event=event, status=BlacklistEntry.Status.ACTIVE).exists()
    report = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Feed imported: 1 recorded, 2 not (see the report)." in report
    assert "No party on the platform has this unified social credit code." in report


@pytest.mark.parametrize(
    "lang, message",
    [
        ("zh-hans", "该数据文件已于 {day} 导入（第 {number} 次导入），再次导入不会有任何变化。"),
        (
            "en",
            "This feed was already imported on {day} (import {number}); importing it again changes nothing.",
        ),
    ],
)
def test_the_same_feed_again_is_refused_and_changes_nothing(login, regulator, supplier, lang, message):
    client = login(regulator)
    first = client.post(reverse("credit:imports"), {"source_name": "信用中国", "feed": _feed(supplier)})
    assert first.status_code == 302
    batch = CreditImport.objects.get()
    events, audits = CreditEvent.objects.count(), AuditEvent.objects.count()
    response = client.post(
        reverse("credit:imports"),
        {"source_name": "Another name", "feed": _feed(supplier)},
        HTTP_ACCEPT_LANGUAGE=lang,
    )
    assert response.status_code == 400
    expected = message.format(day=selectors.today().isoformat(), number=batch.pk)
    assert expected in response.content.decode()
    assert CreditImport.objects.count() == 1
    assert (CreditEvent.objects.count(), AuditEvent.objects.count()) == (events, audits)


def test_import_of_an_unreadable_feed_is_refused(login, regulator, settings):
    response = login(regulator).post(
        reverse("credit:imports"),
        {"source_name": "Credit China", "feed": csv_feed([{"uscc": "x"}], columns=("uscc", "name"))},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "The feed lacks the column(s): rule, reference, decided_on." in response.content.decode()
    assert not CreditImport.objects.exists()
    assert _media_files(settings) == []


def test_import_is_refused_to_non_regulators(login, make_member, supplier):
    client = login(make_member(Role.SUPPLIER_REPRESENTATIVE, organisation=supplier))
    response = client.post(reverse("credit:imports"), {"source_name": "信用中国", "feed": _feed(supplier)})
    assert response.status_code == 403
    assert not CreditImport.objects.exists()
