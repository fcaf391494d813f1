"""The notice text filter: paragraphs like linebreaks, the site's paths (the draw record a result
notice names) made links, everything else escaped."""

from procurement.templatetags.notices import notice_text


def test_a_site_path_becomes_a_link_and_the_rest_is_escaped():
    html = notice_text("抽取记录：/experts/draws/12/ 可复核。\n<script>x</script>")
    assert '<a href="/experts/draws/12/">/experts/draws/12/</a>' in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.startswith("<p>")


def test_urls_dates_and_fractions_are_left_alone():
    html = notice_text("见 https://example.org/a/b/ 或 2026/11/22，比例 1/2。")
    assert "<a " not in html
