"""Real e-mail backends that fail the way a provider does, for the e-mail failure tests."""

from django.core.mail.backends.base import BaseEmailBackend


class TimingOutEmailBackend(BaseEmailBackend):
    """Every send times out, like an SMTP server or provider API that does not answer."""

    def send_messages(self, email_messages):
        raise TimeoutError("timed out")
