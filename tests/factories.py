"""factory_boy / wagtail-factories factories shared by the whole suite."""

import datetime

import factory
import wagtail_factories
from django.utils import timezone
from wagtail.models import Locale, PageViewRestriction

from wagtail_webinars.models import (
    ContactPerson,
    Notice,
    PageContactPerson,
    PageSpeaker,
    Speaker,
    TechnicalHelpFAQ,
    WebinarListingPage,
    WebinarSeriesPage,
    WebinarSessionPage,
)


class SnippetFactory(factory.django.DjangoModelFactory):
    locale = factory.LazyFunction(Locale.get_default)
    live = True


class SpeakerFactory(SnippetFactory):
    name = factory.Sequence(lambda n: f"Talare {n}")
    title = "Nätsäkerhetsexpert"

    class Meta:
        model = Speaker


class ContactPersonFactory(SnippetFactory):
    name = factory.Sequence(lambda n: f"Kontakt {n}")
    role = "Projektledare"
    email = factory.Sequence(lambda n: f"kontakt{n}@example.org")
    phone = "08-452 70 00"

    class Meta:
        model = ContactPerson


class NoticeFactory(SnippetFactory):
    title = "Så påverkas kurser och konferenser av det nya coronaviruset"
    link_url = "https://example.org/corona"
    show_from = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))

    class Meta:
        model = Notice


class TechnicalHelpFAQFactory(SnippetFactory):
    title = "Frågor och svar om livesändning"

    class Meta:
        model = TechnicalHelpFAQ


class WebinarSeriesPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Seminarieserie {n}")
    lead = "En seminarieserie för ledande förtroendevalda."

    class Meta:
        model = WebinarSeriesPage


class WebinarSessionPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Webbinarium {n}")
    start = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(minutes=90))
    lead = "Sociala medier är positivt för att mötas."
    audience = "Ledande förtroendevalda"

    class Meta:
        model = WebinarSessionPage


class WebinarListingPageFactory(wagtail_factories.PageFactory):
    title = "Webbinarier"

    class Meta:
        model = WebinarListingPage


class PageSpeakerFactory(factory.django.DjangoModelFactory):
    speaker = factory.SubFactory(SpeakerFactory)
    role = "Inspiratör"

    class Meta:
        model = PageSpeaker


class PageContactPersonFactory(factory.django.DjangoModelFactory):
    contact = factory.SubFactory(ContactPersonFactory)
    role = "Informationsansvarig"

    class Meta:
        model = PageContactPerson


class PageViewRestrictionFactory(factory.django.DjangoModelFactory):
    """An editor's "Privacy" setting on a page: a password by default, or
    ``restriction_type=PageViewRestriction.LOGIN``."""

    restriction_type = PageViewRestriction.PASSWORD
    password = factory.LazyAttribute(
        lambda o: "hemligt" if o.restriction_type == PageViewRestriction.PASSWORD else ""
    )

    class Meta:
        model = PageViewRestriction
