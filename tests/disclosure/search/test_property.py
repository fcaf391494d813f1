"""The search's promise, checked with hypothesis through the real index and the real query: any
substring of two or more Chinese characters of a title finds the notice."""

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from disclosure.search.indexing import index_notice
from disclosure.search.selectors import Criteria, matching_entries
from disclosure.search.tokenizer import is_cjk, query_tokens

from .conftest import make_notice, make_project, make_purchaser

CHINESE = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
OTHER = st.sampled_from(list(" Aa9（）、-·,.：😀ＡＢ１"))
TITLES = st.text(alphabet=st.one_of(CHINESE, CHINESE, CHINESE, OTHER), min_size=2, max_size=40)


def cjk_runs(title: str) -> list[str]:
    runs, current = [], ""
    for char in title:
        if is_cjk(char):
            current += char
        else:
            if len(current) >= 2:
                runs.append(current)
            current = ""
    if len(current) >= 2:
        runs.append(current)
    return runs


@pytest.fixture
def project(db):
    return make_project(make_purchaser("丽水市财政局", "Lishui Finance Bureau"), "属性测试", "Property test")


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=TITLES, data=st.data())
def test_every_chinese_substring_of_a_title_finds_the_notice(project, title, data):
    runs = cjk_runs(title)
    assume(runs)
    run = data.draw(st.sampled_from(runs))
    start = data.draw(st.integers(0, len(run) - 2))
    end = data.draw(st.integers(start + 2, len(run)))
    notice = make_notice(project, title_zh=title, title_en="x")
    assert index_notice(notice.pk)
    found = matching_entries(Criteria(tokens=query_tokens(run[start:end])))
    assert found.filter(notice_id=notice.pk).exists()
