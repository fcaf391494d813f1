"""Real-browser tests: Debian's chromium driven by Playwright against Django's live server."""

import pytest

from credit.catalogue import seed_credit_rules
from rulebook.services import seed_default_rules

# The session's browser is tests/conftest.py's `browser`, shared with the other browser tests.


@pytest.fixture
def page_factory(browser):
    """page_factory(lang) -> a fresh page whose console errors (CSP violations included) are collected."""
    contexts = []

    def make(lang="zh-CN"):
        context = browser.new_context(locale=lang, extra_http_headers={"Accept-Language": lang})
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on(
            "console", lambda msg: msg.type in ("error", "warning") and page.console_errors.append(msg.text)
        )
        page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _seed_rows(transactional_db):
    """Browser tests run on a live server, so on a transactional database that an earlier
    transactional test may have emptied, the migrations' seed rows included: put back the rulebook
    rows and the credit catalogue that the demo data (load_demo) and the pages need."""
    seed_default_rules(record=False)
    seed_credit_rules()
