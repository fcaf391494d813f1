"""The tokenizer on plain strings (no database): CJK bigrams, Latin words, normalisation, the
tsquery and tsvector texts, and the highlighting that reuses its spans."""

from hypothesis import given
from hypothesis import strategies as st

from disclosure.search.highlight import highlight, snippet
from disclosure.search.tokenizer import (
    MAX_POSITION,
    MAX_POSITIONS_PER_TOKEN,
    MAX_WORD_LENGTH,
    query_tokens,
    tokens,
    tsquery_text,
    tsvector_text,
)

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)


def test_a_cjk_run_gives_its_overlapping_bigrams():
    assert tokens("采购项目") == ["采购", "购项", "项目"]


def test_a_single_cjk_character_gives_itself():
    assert tokens("纸 A4") == ["纸", "a4"]


def test_latin_and_digit_runs_give_lower_cased_words():
    assert tokens("ISO-9001 Computers, 2026!") == ["iso", "9001", "computers", "2026"]


def test_cjk_and_latin_next_to_each_other_are_separate_runs():
    assert tokens("A4纸采购") == ["a4", "纸采", "采购"]


def test_full_width_letters_and_digits_are_normalised():
    assert tokens("ＩＳＯ９００１认证") == ["iso9001", "认证"]
    assert tokens("ｱｲ") == ["アイ"]  # half-width katakana become full-width, then a bigram


def test_punctuation_symbols_and_emoji_separate_runs_and_give_nothing():
    assert tokens("采购😀项目，（更正）") == ["采购", "项目", "更正"]
    assert tokens("😀🎉 ‼ —") == []


def test_accents_compose_whether_given_composed_or_not():
    assert tokens("Café") == tokens("Cafe\u0301") == ["café"]


def test_overlong_words_are_cut_alike_in_texts_and_queries():
    word = "a" * 500
    assert tokens(word) == ["a" * MAX_WORD_LENGTH]
    assert query_tokens(word) == ["a" * MAX_WORD_LENGTH]


def test_query_tokens_are_distinct_in_order_and_limited():
    assert query_tokens("采购 采购 ISO iso") == ["采购", "iso"]
    assert len(query_tokens("".join(chr(0x4E00 + i) for i in range(500)), limit=64)) == 64


def test_the_tsquery_needs_every_token_and_a_lone_character_is_a_prefix():
    assert tsquery_text(["采购", "车", "iso"]) == "'采购' & '车':* & 'iso'"


def test_quotes_and_backslashes_are_escaped_in_postgres_literals():
    # The tokenizer never makes such tokens; the quoting is there all the same.
    assert tsquery_text(["a'b\\c"]) == "'a''b\\\\c'"


def test_the_tsvector_weighs_titles_and_bodies_and_counts_positions_across_texts():
    text = tsvector_text([("办公桌椅", "A"), ("Office desks", "A"), ("办公用品", "B")])
    assert text.split(" ")[0] == "'办公':1A,8B"
    assert "'office':5A" in text and "'desks':6A" in text and "'用品':10B" in text


def test_the_tsvector_keeps_few_positions_per_token_and_none_past_the_limit():
    text = tsvector_text([("采购 " * 100, "B"), ("x " * 20000 + "尾部", "B")])
    entries = dict(item.split(":", 1) for item in text.split(" "))
    assert len(entries["'采购'"].split(",")) == MAX_POSITIONS_PER_TOKEN
    assert entries["'尾部'"] == f"{MAX_POSITION}B"


@given(st.text(alphabet=CJK, min_size=2, max_size=30), st.data())
def test_every_cjk_substring_s_bigrams_are_among_the_text_s(text, data):
    start = data.draw(st.integers(0, len(text) - 2))
    end = data.draw(st.integers(start + 2, len(text)))
    assert set(query_tokens(text[start:end])) <= set(tokens(text))


@given(st.text(max_size=200))
def test_any_text_tokenizes_to_tokens_without_separators(text):
    for token in tokens(text):
        assert token and len(token) <= MAX_WORD_LENGTH
        assert not any(char.isspace() or char in "'\\&|!():*<>" for char in token)


def test_highlight_escapes_the_text_before_marking_matches():
    marked = highlight("<script>alert(1)</script>护理床 & 泵", query_tokens("护理 script"))
    assert marked == (
        "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;<mark>护理</mark>床 &amp; 泵"
    )


def test_highlight_marks_a_whole_matched_phrase_once():
    assert highlight("教学用计算机采购", query_tokens("计算机")) == "教学用<mark>计算机</mark>采购"


def test_highlight_marks_a_lone_character_where_it_starts_a_bigram():
    assert highlight("病床与床垫", query_tokens("床")) == "病<mark>床</mark>与<mark>床</mark>垫"


def test_the_snippet_starts_near_the_first_match_and_says_it_was_cut():
    body = "开头。" * 50 + "多媒体教室设备" + "结尾。" * 50
    cut = snippet(body, query_tokens("多媒体"), length=40)
    assert cut.startswith("… ") and cut.endswith(" …")
    assert "<mark>多媒体</mark>" in cut
    assert snippet("短文本", []) == "短文本"
