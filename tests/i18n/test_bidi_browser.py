"""In a real (offline) Chromium: numbers written by ``format_number``/``format_decimal`` stay one
group in an Arabic right-to-left paragraph, read left to right (a plain space does not); Plotly's
toolbar and ticks follow ``plotly_locale``."""

from __future__ import annotations

import html
import itertools

import pytest
from plotly.offline import get_plotlyjs

from dashboard.i18n import format_decimal, format_number, plotly_locale
from tests.browser.conftest import browser_context_args, browser_type_launch_args  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

#: x of every character of the element's text node, from the rendered layout (Range.getClientRects).
CHAR_XS = """el => {
  const node = el.firstChild, xs = [];
  for (let i = 0; i < node.length; i++) {
    const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
    const rect = r.getClientRects()[0]; xs.push(rect ? rect.left : null);
  }
  return xs;
}"""


def digits_left_to_right(page, text: str) -> bool:
    """Render ``text`` after an Arabic word in an RTL page: are its digits drawn in reading order?"""
    body = f'<p id="t">السكان: {html.escape(text)} نسمة</p>'
    page.set_content(f'<!doctype html><html lang="ar" dir="rtl"><body style="font-size:32px">{body}</body></html>')
    xs = page.eval_on_selector("#t", CHAR_XS)
    full = page.inner_text("#t")
    start = full.index(text)
    digit_xs = [xs[start + i] for i, c in enumerate(text) if c.isdigit()]
    return all(a < b for a, b in itertools.pairwise(digit_xs))


def test_grouped_numbers_read_in_order_on_an_arabic_page(page):
    for lang in ("ar", "uk", "de", "en", "tr"):  # a German number quoted in Arabic text too
        assert digits_left_to_right(page, format_number(20000, lang)), lang
        assert digits_left_to_right(page, format_decimal(1234567.5, lang, 1)), lang


def test_a_plain_space_splits_the_number_so_the_check_can_fail(page):
    assert not digits_left_to_right(page, "20 000")  # renders "000 20": the bug the formatter avoids


@pytest.mark.parametrize("lang", ["ar", "de"])
def test_plotly_toolbar_and_ticks_follow_the_page_language(page, lang):
    """The bundled Plotly, given ``plotly_locale``: every toolbar tooltip translated, ticks grouped."""
    page.set_content(f'<!doctype html><html lang="{lang}"><body><div id="g" style="width:600px;height:300px"></div>')
    page.add_script_tag(content=get_plotlyjs())
    config = {
        "locale": lang,
        "locales": {lang: plotly_locale(lang)},
        "displayModeBar": True,
        "displaylogo": False,
        # Plotly 4 adds a "Share chart..." button that posts to a remote server: never offer it offline
        "modeBarButtonsToRemove": ["sendChartToCloud"],
    }
    page.evaluate(
        "c => Plotly.newPlot('g', [{type: 'bar', x: ['a', 'b'], y: [20000, 3000]}], {yaxis: {tickformat: ',d'}}, c)",
        config,
    )
    titles = page.eval_on_selector_all("#g .modebar-btn", "els => els.map(e => e.getAttribute('data-title'))")
    assert len(titles) >= 4
    assert set(titles) <= set(plotly_locale(lang)["dictionary"].values()), titles
    ticks = page.eval_on_selector_all("#g .ytick text", "els => els.map(e => e.textContent)")
    assert ("20.000" if lang == "de" else "20,000") in ticks, ticks
