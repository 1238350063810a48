"""The page in headless Chromium: paste, highlight, evidence, restored text, trace, safety."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import unspin

pytestmark = pytest.mark.browser

# The spun copy of conftest.SOURCE (which the e2e index holds).
SPUN = (
    "The head of state signed the invoice on Monday, as well as the counterfeit consciousness "
    "plan was sent to the parliament. Critics said the plan was rushed and badly explained."
)
RESULT_TIMEOUT = 120_000  # ms; generous for slow CI machines (never a performance assertion)


def check(page: Any, text: str) -> None:
    page.fill("#text", text)
    page.click("#check")
    page.wait_for_selector("#results:not([hidden])", timeout=RESULT_TIMEOUT)
    page.wait_for_selector("#check:not([disabled])", timeout=RESULT_TIMEOUT)


def test_paste_spun_text_shows_spans_evidence_and_restored_text(page: Any, artifacts: Path) -> None:
    check(page, SPUN)
    marks = page.locator("#marked mark.span")
    assert marks.count() >= 3
    assert "head of state" in marks.all_inner_texts()
    # the risk is worded as a risk, with the score, never as a verdict
    level = page.inner_text("#risk-level")
    assert "risk" in level.lower()
    assert "not a verdict" in page.inner_text("#risk-score")
    # the restored side: inline diff, and the plain restored text
    restored = page.locator("#restored")
    assert restored.locator("del").count() >= 3
    assert "head of state" in restored.locator("del").all_inner_texts()
    assert "president" in restored.locator("ins").all_inner_texts()
    page.uncheck("#show-changes")
    plain = page.evaluate("document.getElementById('restored').innerText")
    assert plain == unspin.restore(SPUN).text
    assert "The president signed" in plain and "artificial intelligence plan" in plain
    page.check("#show-changes")
    # hover one span: the suggested original and the evidence
    page.hover("#marked mark.span >> nth=0")
    tip = page.locator("#tip")
    assert tip.is_visible()
    assert "Suggested original" in tip.inner_text() and "president" in tip.inner_text()
    assert "Confidence" in tip.inner_text() and "Source" in tip.inner_text()
    page.screenshot(path=str(artifacts / "serve-e2e.png"), full_page=True)


def test_phone_width_reads_in_one_column(page: Any, artifacts: Path) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    check(page, SPUN)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "nothing should scroll sideways at phone width"
    left = page.locator("#marked").bounding_box()
    right = page.locator("#restored").bounding_box()
    assert right["y"] > left["y"] + left["height"] - 1  # stacked, not side by side
    page.focus("#marked mark.span >> nth=0")
    box = page.locator("#tip").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.screenshot(path=str(artifacts / "serve-e2e-390px.png"), full_page=True)


def test_keyboard_only(page: Any) -> None:
    page.focus("#text")
    page.keyboard.insert_text(SPUN)
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#results:not([hidden])", timeout=RESULT_TIMEOUT)
    page.wait_for_selector("#check:not([disabled])", timeout=RESULT_TIMEOUT)
    # tab from the Clear button into the highlighted passages
    page.focus("#clear")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('mark.span')"):
            break
    assert page.evaluate("document.activeElement.matches('mark.span')")
    tip = page.locator("#tip")
    assert tip.is_visible() and "Suggested original" in tip.inner_text()
    assert page.evaluate("document.activeElement.getAttribute('aria-describedby')") == "tip"
    page.keyboard.press("Escape")
    assert not tip.is_visible()


def test_hostile_text_is_shown_as_text(browser: Any, server: str) -> None:
    # With the page's CSP bypassed: the rendering itself must be safe, not only the CSP.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(server + "/")
    hostile = (
        '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
        "<b>bold?</b> &lt;entity&gt; " + SPUN + ' <a href="javascript:window.__pwned=3">x</a>'
    )
    check(page, hostile)
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#marked img, #marked script, #marked b, #marked a").count() == 0
    assert page.locator("#restored img, #restored script, #restored b, #restored a").count() == 0
    assert page.evaluate("document.getElementById('marked').textContent") == hostile
    page.uncheck("#show-changes")
    restored = page.evaluate("document.getElementById('restored').innerText")
    assert restored.startswith('<img src=x onerror="window.__pwned=1"><script>')
    page.wait_for_timeout(300)  # an injected onerror handler would have run by now
    assert page.evaluate("window.__pwned") is None
    context.close()


def test_emoji_do_not_shift_the_highlights(page: Any) -> None:
    text = "\U0001f600 \U0001f4f0 " + SPUN
    check(page, text)
    assert "head of state" in page.locator("#marked mark.span").all_inner_texts()
    assert page.evaluate("document.getElementById('marked').textContent") == text


def test_copy_and_download(page: Any) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    check(page, SPUN)
    page.click("#copy")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == unspin.restore(SPUN).text
    with page.expect_download() as dl:
        page.click("#download")
    path = dl.value.path()
    assert Path(path).read_text(encoding="utf-8") == copied


def test_html_upload(page: Any, tmp_path: Path) -> None:
    f = tmp_path / "article.html"
    f.write_text(
        "<html><head><script>window.__pwned=1</script></head><body><article><p>"
        + SPUN
        + "</p></article></body></html>",
        encoding="utf-8",
    )
    page.set_input_files("#file", str(f))
    page.wait_for_selector("#results:not([hidden])", timeout=RESULT_TIMEOUT)
    assert "head of state" in page.input_value("#text")
    assert "__pwned" not in page.input_value("#text")
    assert page.evaluate("window.__pwned") is None


def test_traced_source_with_alignment(page: Any) -> None:
    check(page, SPUN)
    trace = page.locator("#trace")
    assert trace.is_visible()
    assert "news/2026-11-23-signing" in page.inner_text("#candidates")
    rows = page.locator("#candidates tr.substitution")
    pairs = {
        (r.locator("td").nth(0).inner_text().split("\n")[0], r.locator("td").nth(1).inner_text())
        for r in rows.all()
    }
    assert ("invoice", "bill") in pairs and ("head of state", "president") in pairs


def test_ten_thousand_words(page: Any) -> None:
    words = SPUN.split()
    text = " ".join(words[i % len(words)] for i in range(10_000))
    page.evaluate("t => { document.getElementById('text').value = t; }", text)
    page.click("#check")
    page.wait_for_selector("#results:not([hidden])", timeout=RESULT_TIMEOUT)
    page.wait_for_selector("#check:not([disabled])", timeout=RESULT_TIMEOUT)
    assert page.locator("#marked mark.span").count() > 500
    assert page.evaluate("document.getElementById('marked').textContent.length") == len(text)
    # still usable: a passage far down the text shows its evidence on focus
    page.focus("#marked mark.span >> nth=-1")
    assert "Suggested original" in page.inner_text("#tip")
