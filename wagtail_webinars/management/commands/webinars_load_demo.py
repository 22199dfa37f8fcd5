"""Build the demo content: SKR's page "Det demokratiska samtalet – har fått en hårdare ton"
(published when SKR, Sveriges Kommuner och Regioner, was still called SKL).

    python manage.py webinars_load_demo

Creates, under the default site's home page, the series with its four sessions, the speaker, the
two contact persons, the notice, the technical-help FAQ and a listing page "Webbinarier". Pages
are published with a revision and snippets are live, as if an editor had made them. The sessions
fall in the coming year, each on the first Tuesday on or after the reference page's date, 10.00
to 11.30 Swedish time: a weekday at office hours, never a public holiday, whatever the year.

Running it again changes nothing: every object is looked up by a stable key (page slug under its
parent, snippet name/title in the home page's locale) and is only saved, with a new revision,
when a value differs from the demo's. An editor's change to demo content is therefore reset by a
later run, which is what a demo wants.

Registration and feedback settings and user accounts are not part of the demo content.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import swapper
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.fields import StreamField
from wagtail.models import Site

from wagtail_webinars.dates import webinar_zone
from wagtail_webinars.models import (
    ContactPerson,
    Notice,
    PageContactPerson,
    PageSpeaker,
    Speaker,
    TechnicalHelpFAQ,
    WebinarListingPage,
)

if TYPE_CHECKING:
    from wagtail.models import Page
from wagtail_webinars.pagemodel import series_page_model, session_page_model

TUESDAY = 1  # date.weekday()
SERIES_SLUG = "det-demokratiska-samtalet"
LISTING_SLUG = "webbinarier"
SERIES_TITLE = "Det demokratiska samtalet – har fått en hårdare ton"
AUDIENCE = "Ledande förtroendevalda"

DISCUSSION_QUESTIONS = [
    "Hur kan du som förtroendevald agera för att skapa tillit och förtroende i beslut där "
    "medborgare och andra i samhället tycker annorlunda?",
    "Vilka strategier kan du ha för att öka din medvetenhet och undvika att ställas inför valet "
    "att censurera dig själv?",
]

AFTER_BROADCAST = {
    "heading": "Efter webbsändningen",
    "text": (
        "<p>Efter sändningen kan ni på lokal nivå samtala kring vilka strategier som ni behöver "
        "för att trygga och förebygga de politiska processerna. Det kan vara en fördel om ni är "
        "flera från samma kommun eller region för att fortsätta samtalet efteråt. Ni får förslag "
        "på frågeställningar av SKR (tidigare SKL) för att kunna fortsätta samtalen, eller arbeta fram "
        "strategier.</p>"
    ),
    "discussion_questions": DISCUSSION_QUESTIONS,
    "documents": [],
}

NOTICE_TITLE = "Sändningarna textas direkt"
RETIRED_NOTICES = ["Så påverkas kurser och konferenser av det nya coronaviruset"]

QUESTIONS_NOTE = {"text": "Det kommer att finnas tid för frågor under sändningen."}


@dataclass
class SessionSpec:
    slug: str
    title: str
    month: int
    day: int
    lead: str
    programme: list[dict[str, Any]] = field(default_factory=list)


SESSIONS = [
    SessionSpec(
        slug="har-fatt-en-hardare-ton",
        title="Det demokratiska samtalet – har fått en hårdare ton, webbinarium",
        month=2,
        day=13,
        lead=(
            "Sociala medier är positivt för att mötas, diskutera och bidra till "
            "samhällsförändring, men tyvärr är det även ett verktyg som används för hot och hat. "
            "Förtroendevalda utsätts också för drev från anonyma personer, och troll."
        ),
        programme=[
            {
                "type": "paragraph",
                "value": (
                    "<p>Du som ledande förtroendevald behöver ofta göra svåra prioriteringar inför "
                    "beslut. Det vill vi skapa samtal om, men också ge dig underlag att skapa "
                    "strategier i de politiska processerna. Detta ger er en möjlighet att träffas "
                    "och samtala kring de politiska processerna.</p>"
                ),
            },
            {"type": "heading", "value": {"text": "Hur hanterar man ett drev?", "level": "h3"}},
            {
                "type": "bullet_list",
                "value": {
                    "intro": "",
                    "items": [
                        "Likheter och skillnader mellan kritik och drev.",
                        "Tips hur du kan bli trollresistent och identifiera och hantera ett "
                        "hatdrev.",
                    ],
                },
            },
            {"type": "questions_note", "value": QUESTIONS_NOTE},
            {"type": "after_broadcast", "value": AFTER_BROADCAST},
        ],
    ),
    SessionSpec(
        slug="att-planera-politiska-processer",
        title="Att planera politiska processer, webbinarium",
        month=3,
        day=13,
        lead=(
            "Andra sändningen i serien ger dig verktyg för att planera politiska processer där "
            "samtalet riskerar att bli hårt."
        ),
        programme=[
            {
                "type": "paragraph",
                "value": (
                    "<p>Vi går igenom hur du förbereder ett beslut som väcker starka känslor, och "
                    "hur du tidigt kan se var i processen samtalet riskerar att hårdna.</p>"
                ),
            },
            {"type": "questions_note", "value": QUESTIONS_NOTE},
            {"type": "after_broadcast", "value": AFTER_BROADCAST},
        ],
    ),
    SessionSpec(
        slug="att-riskbedoma-politiska-processer",
        title="Att riskbedöma politiska processer, webbinarium",
        month=4,
        day=10,
        lead=(
            "Tredje sändningen handlar om hur du riskbedömer en politisk process och vad du gör "
            "när hot och hat riktas mot dig eller dina kollegor."
        ),
        programme=[
            {
                "type": "bullet_list",
                "value": {
                    "intro": "Under sändningen tar vi upp:",
                    "items": [
                        "Hur en riskbedömning går till, steg för steg.",
                        "Stöd från kommunen, regionen och polisen.",
                    ],
                },
            },
            {"type": "questions_note", "value": QUESTIONS_NOTE},
            {"type": "after_broadcast", "value": AFTER_BROADCAST},
        ],
    ),
    SessionSpec(
        slug="tillit-och-fortroende-i-svara-beslut",
        title="Tillit och förtroende i svåra beslut, webbinarium",
        month=5,
        day=8,
        lead=(
            "Den avslutande sändningen handlar om hur du skapar tillit och förtroende i beslut "
            "där medborgare och andra i samhället tycker annorlunda."
        ),
        programme=[
            {
                "type": "paragraph",
                "value": (
                    "<p>Syftet är att undvika att du i ditt uppdrag ställs inför valet att "
                    "censurera dig själv.</p>"
                ),
            },
            {"type": "questions_note", "value": QUESTIONS_NOTE},
            {"type": "after_broadcast", "value": AFTER_BROADCAST},
        ],
    ),
]

SERIES_BODY = [
    {
        "type": "paragraph",
        "value": (
            "<p>Webbsändningarna vänder sig till dig som ledande förtroendevald och ger verktyg för "
            "att skapa strategier i att planera och riskbedöma politiska processer.</p>"
            "<p>Syftet är att undvika att du i ditt uppdrag ställs inför valet att censurera dig "
            "själv.</p>"
        ),
    },
    {
        "type": "bullet_list",
        "value": {"intro": "Frågor som serien tar upp:", "items": DISCUSSION_QUESTIONS},
    },
]

TECHNICAL_HELP_ITEMS = [
    (
        "Jag ser ingen bild eller hör inget ljud. Vad gör jag?",
        "<p>Ladda om sidan och kontrollera att ljudet är på, både i datorn och i spelaren. Prova "
        "också en annan webbläsare, till exempel den senaste versionen av Firefox, Chrome, Edge "
        "eller Safari.</p>",
    ),
    (
        "Sändningen hackar eller stannar. Vad beror det på?",
        "<p>Oftast på att uppkopplingen är långsam. Stäng andra program och flikar som använder "
        "nätet, eller välj en lägre bildkvalitet i spelaren.</p>",
    ),
    (
        "Hur ställer jag en fråga under sändningen?",
        "<p>Skriv din fråga i frågerutan under videon. Moderatorn tar upp så många frågor som "
        "tiden räcker till.</p>",
    ),
    (
        "Kan jag titta på sändningen i efterhand?",
        "<p>Ja. Sändningen spelas in, och länken till inspelningen kommer på webbinariets sida "
        "några dagar efteråt.</p>",
    ),
]


def _without_block_ids(data: Any) -> Any:
    """StreamField data with the generated block ids removed, so two values compare by content."""
    if isinstance(data, dict):
        return {key: _without_block_ids(value) for key, value in data.items() if key != "id"}
    if isinstance(data, list):
        return [_without_block_ids(item) for item in data]
    return data


def _assign(obj: models.Model, values: dict[str, Any]) -> bool:
    """Set ``values`` on ``obj``; return whether anything differed from what it had."""
    changed = False
    for name, value in values.items():
        model_field = obj._meta.get_field(name)
        if isinstance(model_field, StreamField):
            new = model_field.to_python(value)
            old = getattr(obj, name)
            if _without_block_ids(model_field.get_prep_value(old)) != _without_block_ids(
                model_field.get_prep_value(new)
            ):
                setattr(obj, name, new)
                changed = True
        elif isinstance(model_field, models.ForeignKey):
            new_id = value.pk if value is not None else None
            if getattr(obj, model_field.attname) != new_id:
                setattr(obj, name, value)
                changed = True
        elif getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


@dataclass
class DemoContent:
    """What the demo built, for the command's output and for tests that use the demo."""

    series: Page
    sessions: list[Page]
    listing: Page
    created: int = 0
    updated: int = 0


class DemoLoader:
    """Builds the demo idempotently. ``today`` decides the year of the sessions."""

    def __init__(self, today: datetime.date | None = None) -> None:
        self.tz = webinar_zone()
        self.today = today or timezone.localtime(timezone.now(), self.tz).date()
        # "In the coming year", so every date is still ahead whenever the demo is loaded.
        self.year = self.today.year + 1
        self.created = 0
        self.updated = 0

    def at(self, month: int, day: int, hour: int, minute: int) -> datetime.datetime:
        """The first Tuesday on or after ``month``/``day`` of the demo's year, at the given time.

        The reference page's dates fall on a weekend in some years (all four in 2027). No Swedish
        public holiday is a Tuesday between mid-February and mid-May, so this is a working day.
        """
        date = datetime.date(self.year, month, day)
        date += datetime.timedelta(days=(TUESDAY - date.weekday()) % 7)
        return datetime.datetime.combine(date, datetime.time(hour, minute), tzinfo=self.tz)

    # -- snippets -----------------------------------------------------------------------------

    def snippet(self, model, locale, lookup: dict[str, Any], values: dict[str, Any]):
        obj = model.objects.filter(locale=locale, **lookup).first()
        created = obj is None
        if created:
            obj = model(locale=locale, **lookup)
        changed = _assign(obj, values)
        if created or changed or not obj.live or obj.has_unpublished_changes:
            obj.save()
            obj.save_revision().publish()
            if created:
                self.created += 1
            else:
                self.updated += 1
        return obj

    # -- pages --------------------------------------------------------------------------------

    def page(self, parent: Page, model, slug: str, values: dict[str, Any], speakers=(), contacts=()):
        existing = swapper.load_model("wagtailcore", "Page").objects.child_of(parent).filter(slug=slug).first()
        if existing is not None and not isinstance(existing.specific, model):
            raise CommandError(
                _(
                    'The page "%(title)s" (%(url)s) is in the way of the demo: it has the slug '
                    '"%(slug)s" but is not a %(type)s. Move or rename it and run the command again.'
                )
                % {
                    "title": existing.title,
                    "url": existing.url or existing.url_path,
                    "slug": slug,
                    "type": model._meta.verbose_name,
                }
            )
        page = existing.specific if existing is not None else model(slug=slug)
        changed = _assign(page, values)
        changed |= self.inline(
            page, "webinar_speakers", PageSpeaker, "speaker", list(speakers)
        )
        changed |= self.inline(
            page, "webinar_contacts", PageContactPerson, "contact", list(contacts)
        )
        if existing is None:
            parent.add_child(instance=page)
            page.save_revision().publish()
            self.created += 1
        elif changed or not page.live or page.has_unpublished_changes:
            page.save_revision().publish()
            self.updated += 1
        return page

    def inline(self, page, relation: str, model, target: str, wanted: list[tuple[Any, str]]) -> bool:
        """Make the ordered (snippet, role) rows of ``relation`` equal to ``wanted``."""
        current = [
            (getattr(item, f"{target}_id"), item.role) for item in getattr(page, relation).all()
        ] if page.pk else []
        if current == [(obj.pk, role) for obj, role in wanted]:
            return False
        setattr(
            page,
            relation,
            [model(**{target: obj, "role": role, "sort_order": i}) for i, (obj, role) in enumerate(wanted)],
        )
        return True

    # -- the demo -----------------------------------------------------------------------------

    def load(self) -> DemoContent:
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None:
            raise CommandError(
                _("There is no default site. Create one in the admin (Settings → Sites) first.")
            )
        home = site.root_page.specific
        locale = home.locale

        speaker = self.snippet(
            Speaker,
            locale,
            {"name": "Vian Tahir"},
            {
                "title": "Nätsäkerhetsexpert",
                "organisation": "",
                "bio": (
                    "Vian Tahir föreläser om hot och hat på nätet och om hur förtroendevalda kan "
                    "bli trollresistenta."
                ),
            },
        )
        lena = self.snippet(
            ContactPerson,
            locale,
            {"name": "Lena Lindgren"},
            {
                "role": "Projektledare",
                "email": "lena.lindgren@example.org",
                # A number that the Swedish Post and Telecom Authority keeps for fiction.
                "phone": "08-465 004 00",
                "organisation": "Sveriges Kommuner och Regioner",
            },
        )
        anna_lena = self.snippet(
            ContactPerson,
            locale,
            {"name": "Anna-Lena Pogulis"},
            {
                "role": "Projektledare",
                "email": "anna-lena.pogulis@example.org",
                "phone": "08-465 004 01",
                "organisation": "Sveriges Kommuner och Regioner",
            },
        )
        faq = self.snippet(
            TechnicalHelpFAQ,
            locale,
            {"title": "Frågor och svar om livesändning"},
            {
                "intro": (
                    "Vi gör allt för att du ska få en så bra upplevelse som möjligt när du tittar "
                    "på en video eller livesändning. Vi vet dock att det kan krångla ibland."
                ),
                "items": [
                    {"type": "item", "value": {"question": q, "answer": a}}
                    for q, a in TECHNICAL_HELP_ITEMS
                ],
            },
        )
        # Earlier versions of the demo showed a notice from 2020 about the coronavirus; it is
        # not current in the demo's year, so a later run takes it away.
        Notice.objects.filter(locale=locale, title__in=RETIRED_NOTICES).delete()
        last_end = self.at(SESSIONS[-1].month, SESSIONS[-1].day, 11, 30)
        self.snippet(
            Notice,
            locale,
            {"title": NOTICE_TITLE},
            {
                "text": (
                    "<p>Från och med den här serien textas sändningarna direkt. Slå på textningen "
                    "med knappen CC i spelaren.</p>"
                ),
                "link_url": "https://example.org/tillganglighet",
                "link_text": "Så gör vi sändningarna tillgängliga",
                # From the start of the year the demo is loaded in until its last date has ended:
                # shown today and throughout the series. Fixed by the year, not by "now", so that
                # a second run finds nothing to change.
                "show_from": datetime.datetime(self.today.year, 1, 1, tzinfo=self.tz),
                "show_until": last_end,
            },
        )

        contacts = [(anna_lena, "Informationsansvarig"), (lena, "Frågor om anmälan")]
        series = self.page(
            home,
            series_page_model(),
            SERIES_SLUG,
            {
                "title": SERIES_TITLE,
                "lead": (
                    "En seminarieserie för dig som ledande förtroendevald om hot, hat och drev, "
                    "och om strategier för att trygga de politiska processerna."
                ),
                "audience": AUDIENCE,
                "body": SERIES_BODY,
                "technical_help": faq,
            },
            contacts=contacts,
        )
        sessions = [
            self.page(
                series,
                session_page_model(),
                spec.slug,
                {
                    "title": spec.title,
                    "start": self.at(spec.month, spec.day, 10, 0),
                    "end": self.at(spec.month, spec.day, 11, 30),
                    "lead": spec.lead,
                    "audience": AUDIENCE,
                    "programme": spec.programme,
                    "stream_url": f"https://play.example.org/live/{spec.slug}",
                    "live_captioning": True,
                    "technical_help": faq,
                },
                speakers=[(speaker, "Inspiratör")],
                contacts=contacts,
            )
            for spec in SESSIONS
        ]
        listing = self.page(
            home,
            WebinarListingPage,
            LISTING_SLUG,
            {
                "title": "Webbinarier",
                "intro": "Webbsändningar för förtroendevalda och medarbetare i kommuner och regioner.",
            },
        )
        return DemoContent(series, sessions, listing, self.created, self.updated)


def load_demo(today: datetime.date | None = None) -> DemoContent:
    """Build (or bring back) the demo content in one transaction; see the module docstring."""
    with transaction.atomic():
        return DemoLoader(today).load()


class Command(BaseCommand):
    help = "Builds the demo webinar series, sessions and snippets under the default site's home page."

    def handle(self, *args: Any, **options: Any) -> None:
        demo = load_demo()
        if options["verbosity"] < 1:
            return
        self.stdout.write(
            _("Demo loaded: %(created)d objects created, %(updated)d updated.")
            % {"created": demo.created, "updated": demo.updated}
        )
        for page in [demo.series, *demo.sessions, demo.listing]:
            self.stdout.write(f"  {page.title}: {page.full_url or page.url_path}")
