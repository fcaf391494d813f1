"""A saved notice reaches the index through the real path: post_save, on_commit, the Celery task
in a real worker (apart from the module-scoped scenario of the other tests: this one commits)."""

import time

import pytest

from disclosure.models import SearchEntry
from disclosure.search.selectors import Criteria, matching_entries

from .conftest import make_notice, make_project, make_purchaser


@pytest.mark.django_db(transaction=True)
def test_a_saved_notice_is_indexed_once_its_transaction_commits(celery_worker):
    project = make_project(make_purchaser("湖州市博物馆", "Huzhou Museum"), "展柜采购", "Display cases")
    notice = make_notice(project, title_zh="湖州市博物馆展柜采购公告")
    deadline = time.monotonic() + 15
    while not SearchEntry.objects.filter(notice=notice).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert SearchEntry.objects.get(notice=notice).purchaser_id == project.purchaser_id
    found = matching_entries(Criteria(tokens=["展柜"])).values_list("notice_id", flat=True)
    assert list(found) == [notice.pk]
