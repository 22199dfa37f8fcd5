"""Real e-mail backends that fail the way a provider does, for the e-mail failure tests."""

from django.core.mail.backends.base import BaseEmailBackend


class TimingOutEmailBackend(BaseEmailBackend):
    """Every send times out, like an SMTP server or provider API that does not answer."""

    def send_messages(self, email_messages):
        raise TimeoutError("timed out")


class SentSoFarEmailBackend(BaseEmailBackend):
    """Delivers nothing; notes, as each message goes, how many outbox rows the database already
    holds as sent (``seen``, one number per message)."""

    seen: list[int] = []

    def send_messages(self, email_messages):
        from wagtail_webinars.models import RegistrationEmail

        for _message in email_messages:
            type(self).seen.append(RegistrationEmail.objects.filter(state="sent").count())
        return len(email_messages)
