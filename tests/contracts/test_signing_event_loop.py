"""pyHanko runs its own asyncio loop (asyncio.run): signing and verifying must also work when the
calling thread already has a running loop, as under Playwright's sync API (the e2e walks call
load_demo, which signs the demo contract, with the browser's loop running in the main thread)."""

import asyncio

import pytest

from accounts.models import Organisation
from contracts import signing
from procurement.pdf import write_pdf
from tests.accounts.factories import OrganisationFactory


@pytest.fixture
def running_loop():
    """A loop marked running in this thread, the way Playwright's sync API leaves it."""
    loop = asyncio.new_event_loop()
    asyncio.events._set_running_loop(loop)
    yield loop
    asyncio.events._set_running_loop(None)
    loop.close()


def test_a_contract_is_signed_and_verified_while_the_thread_runs_an_event_loop(db, running_loop):
    purchaser = OrganisationFactory(kind=Organisation.Kind.PURCHASER)
    pdf = write_pdf('<html><body style="font-family: Noto Sans CJK SC"><p>政府采购合同</p></body></html>')
    assert asyncio.get_running_loop() is running_loop

    applied = signing.sign_pdf(pdf, organisation=purchaser, field_name="purchaser", reason="签订合同")
    verified = signing.verify_pdf(applied.pdf)

    assert [(v.field_name, v.ok) for v in verified] == [("purchaser", True)]
