"""Hypothesis strategies for what a visitor can send: any text, any JSON value, and values that
are nearly right, so that the property tests reach the code after validation too."""

import os

from hypothesis import HealthCheck, settings as hypothesis_settings, strategies as st

# Hypothesis: the property tests of what visitors send (tests/registration, tests/feedback) go
# through the real endpoints and database, so each example costs a request or two. "ci" (the
# default) keeps the suite's run time modest; WW_HYPOTHESIS=thorough searches ten times longer.
# Examples share the test's fixtures (a session page, a logged-in admin), which is intended.
_HYPOTHESIS_COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
hypothesis_settings.register_profile("ci", max_examples=60, **_HYPOTHESIS_COMMON)
hypothesis_settings.register_profile("thorough", max_examples=600, **_HYPOTHESIS_COMMON)
hypothesis_settings.load_profile(os.environ.get("WW_HYPOTHESIS", "ci"))


# Any code point, lone surrogates (which JSON's "\ud800" escapes can carry) included.
any_text = st.text(st.characters(exclude_categories=()), max_size=300)
# What a form post can carry: text that encodes as UTF-8.
form_text = st.text(max_size=300)
# The characters that break lines, headers, spreadsheets and terminals, mixed into plain text.
breaking_text = st.text(
    st.sampled_from(
        "ab Å\n\r\t\x00\x0b\x0c\x1b\x1e\x7f\x85\u2028\u2029\u202e\u200b\u200c\ufeff\ufffe\xad"
    ),
    max_size=40,
)
texts = st.one_of(any_text, breaking_text)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


def either(good, *, bad=json_values):
    """Mostly the right kind of value, sometimes anything."""
    return st.one_of(good, good, bad)


@st.composite
def perturbed(draw, valid: dict, good: dict, bad=json_values, *, anything=None):
    """``valid`` with up to four fields given other right values (from ``good``), up to two any
    value from ``bad``, and one perhaps left out; one time in ten ``anything`` instead, when
    given."""
    if anything is not None and draw(st.integers(0, 9)) == 0:
        return draw(anything)
    body = dict(valid)
    for key in draw(st.lists(st.sampled_from(sorted(good)), unique=True, max_size=4)):
        body[key] = draw(good[key])
    for key in draw(st.lists(st.sampled_from(sorted(valid)), unique=True, max_size=2)):
        body[key] = draw(bad)
    for key in draw(st.lists(st.sampled_from(sorted(body)), unique=True, max_size=1)):
        del body[key]
    return body
