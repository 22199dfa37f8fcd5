"""Fixtures of the registration tests."""

import pytest


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run the e-mail tasks that a committed registration enqueues."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run
