"""The markup filters (``markup``): editors' headings re-levelled to keep the page's outline,
and embedded frames titled for screen readers."""

from wagtail_webinars.markup import keep_heading_outline, titled_iframes

# --- the heading outline ----------------------------------------------------------------------


def test_outline_lifts_a_heading_that_skips_a_level():
    assert keep_heading_outline("<h4>a</h4>", parent_level=2) == "<h3>a</h3>"


def test_outline_keeps_levels_that_already_fit():
    html = '<h2 class="x">a</h2><h3>b</h3><h4>c</h4><h2>d</h2>'
    assert keep_heading_outline(html, parent_level=2) == html


def test_outline_never_adds_a_second_h1():
    assert keep_heading_outline("<h1>a</h1>", parent_level=1) == "<h2>a</h2>"


def test_outline_leaves_other_tags_alone():
    html = "<header><hr><h3>a</h3></header>"
    assert keep_heading_outline(html, parent_level=2) == html


# --- embeds -----------------------------------------------------------------------------------


def test_embedded_frame_gets_the_editors_title():
    html = '<iframe src="https://video.example.org/1" allowfullscreen></iframe>'
    assert titled_iframes(html, "Inspelning & text") == (
        '<iframe title="Inspelning &amp; text" src="https://video.example.org/1" allowfullscreen></iframe>'
    )


def test_embedded_frame_keeps_a_title_the_provider_sent():
    html = '<iframe title="YouTube" src="https://video.example.org/1"></iframe>'
    assert titled_iframes(html, "Inspelning") == html
