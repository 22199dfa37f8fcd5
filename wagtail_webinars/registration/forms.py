"""The registration form ("Anmäl dig"), shared by the HTML views and the JSON endpoints.

``RegistrationForm`` validates what a visitor submitted, whether it came as a browser POST or as
a JSON body, and turns it into the service's ``RegistrationRequest``. The editor's questions are
added by ``RegistrationFieldBuilder`` in the manner of Wagtail's ``FormBuilder``: one
``create_<type>_field`` method per question type, picked by name, so a subclass adds a type by
adding a method. The rules about places, duplicates and opening times are not here: they live in
``services.register()``.
"""

from __future__ import annotations

import hashlib
import html
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import cache
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.forms.utils import ErrorDict, flatatt
from django.utils.choices import CallableChoiceIterator, flatten_choices
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import (
    get_language,
    gettext,
    gettext_lazy as _,
    ngettext,
    ngettext_lazy,
)

from ..conf import webinar_settings
from ..data import is_valid_code, municipality_choices
from ..dates import format_month, format_timespan
from ..text import is_email_text, is_multiline, is_single_line
from .services import RegistrationRequest

NAME_MAX_LENGTH = 200
EMAIL_MAX_LENGTH = 254
ORGANISATION_MAX_LENGTH = 200
SHORT_ANSWER_MAX_LENGTH = 255
LONG_TEXT_MAX_LENGTH = 2000
QUESTION_TO_SPEAKER_MAX_LENGTH = 1000
ANSWER_PREFIX = "answer_"
HONEYPOT_FIELD = "ww_website"


def normalise_spaces(value: str) -> str:
    """Turn no-break, thin and other Unicode spaces (category Zs) into plain spaces.

    Text copied from web pages and word processors carries them ("Region\u00a0Skåne"); Python
    counts them as not printable, so without this the checks below would refuse a plain name.
    """
    if value.isascii():
        return value
    return "".join(" " if unicodedata.category(char) == "Zs" else char for char in value)


def validate_single_line(value: str) -> None:
    """Refuse line breaks, control and format characters in one-line fields (``text.py``'s
    rule, which lets a zero-width non-joiner or a soft hyphen in a name pass).

    These values end up in e-mails (the recipient's name, the subject) and exports; a line break
    there is how headers are injected, so it is refused with a message instead of being stripped.
    """
    if value and not is_single_line(value):
        raise ValidationError(
            _("Write this on one line, without line breaks or special characters."),
            code="control_characters",
        )


def validate_multiline(value: str) -> None:
    """Like ``validate_single_line`` but real line breaks (and tabs) are allowed."""
    if value and not is_multiline(value):
        raise ValidationError(
            _("The text contains characters that cannot be used."), code="control_characters"
        )


def validate_email_address(value: str) -> None:
    """Django's e-mail validator, on one line of printable characters only: Django's takes
    control characters inside a quoted local part, which would end up in the ``To:`` header."""
    if value and not is_email_text(value):
        raise ValidationError(_("Enter a valid e-mail address."), code="invalid")
    validate_email(value)


def split_names(value: str) -> list[str]:
    """One name per real line break: ``str.splitlines()`` would also split at ``\x0b``,
    ``\x1c`` and ``\x85``, letting them through as if they were line breaks."""
    return value.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _attrs_html(attrs: Mapping[str, Any]) -> str:
    # As django/forms/widgets/attrs.html writes them: True alone, False left out, every value
    # escaped (its stringformat filter drops a SafeString's safety too). html.escape is what
    # Django's escape() calls, without the lazy-string wrapper that made up half this loop.
    return "".join(
        f" {html.escape(name)}"
        if value is True
        else f' {html.escape(name)}="{html.escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False and value is not None
    )


#: Django's own message counts in a way no visitor asked for; this one says what to do. Lazy,
#: so it is translated when shown; built once (``ngettext_lazy`` makes a new class per call).
MAX_LENGTH_MESSAGE = ngettext_lazy(
    "Write at most %(limit_value)d character.",
    "Write at most %(limit_value)d characters.",
    "limit_value",
)


class PythonRenderedMixin:
    """Renders the widget in Python, with the markup of Django's own widget template.

    The registration form is the one part of a session page rendered for every visitor (it
    carries a CSRF token and the places left), and Django renders each widget through three
    templates; building the same HTML here made the form about twice as fast
    (bench/render_bench.py). A site that overrides Django's widget templates through
    ``FORM_RENDERER`` therefore does not restyle these inputs; override our
    ``includes/registration_field.html`` instead, or subclass the widget and restore
    ``render()`` from ``forms.Widget``.
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        return self.render_html(self.get_context(name, value, attrs)["widget"])


class InputMixin(PythonRenderedMixin):
    """``<input>`` as django/forms/widgets/input.html writes it."""

    def render_html(self, widget: dict[str, Any]) -> SafeString:
        value = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            value,
            mark_safe(_attrs_html(widget["attrs"])),  # noqa: S308  built with format_html
        )


class TextInput(InputMixin, forms.TextInput):
    pass


class EmailInput(InputMixin, forms.EmailInput):
    pass


class NumberInput(InputMixin, forms.NumberInput):
    pass


class CheckboxInput(InputMixin, forms.CheckboxInput):
    pass


class SessionCheckboxes(forms.CheckboxSelectMultiple):
    """The dates of a series form: Django's checkboxes, and for dates grouped by month (a
    series with more open dates than ``SERIES_SESSIONS_PER_PAGE``) a fieldset with the month as
    its legend for each group, so a screen reader says which month a date's box belongs to
    (Django's own template gives a group an unattached ``<label>``)."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        if not any(group for group, _options, _index in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)
        parts = []
        for group, options, _index in widget["optgroups"]:
            boxes = format_html_join(
                "",
                '<div><label for="{}"><input type="checkbox" name="{}" value="{}"{}> {}</label></div>',
                (
                    (
                        option["attrs"]["id"],
                        option["name"],
                        option["value"],
                        mark_safe(_attrs_html(option["attrs"])),  # noqa: S308  escaped there
                        option["label"],
                    )
                    for option in options
                ),
            )
            parts.append(
                format_html(
                    '<fieldset class="ww-dates-group"><legend>{}</legend>{}</fieldset>',
                    group,
                    boxes,
                )
            )
        element_id = widget["attrs"].get("id")
        return format_html(
            "<div{}>{}</div>",
            format_html(' id="{}"', element_id) if element_id else "",
            mark_safe("".join(parts)),  # noqa: S308  each part built with format_html
        )


class Textarea(PythonRenderedMixin, forms.Textarea):
    def render_html(self, widget: dict[str, Any]) -> SafeString:
        # The newline after the tag as in Django's template: a browser drops it, so a value
        # that starts with a line break keeps it.
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>',
            widget["name"],
            mark_safe(_attrs_html(widget["attrs"])),  # noqa: S308  built with format_html
            widget["value"] or "",
        )


class TextOnlyMixin:
    """Refuse lists, numbers and objects where text is expected (a JSON body can send any)."""

    def to_python(self, value: Any) -> Any:
        if value is not None and not isinstance(value, str):
            raise ValidationError(_("Enter text."), code="invalid")
        return super().to_python(value)


class EmailField(TextOnlyMixin, forms.EmailField):
    widget = EmailInput
    default_validators = [validate_email_address]


def is_consent(value: Any) -> bool:
    """Consent is JSON ``true`` or the ticked checkbox (a browser sends ``"on"``) and nothing
    else: not ``"nej"``, ``1``, ``[0]`` or any other value Python takes as true."""
    return value is True or value == "on"


class ConsentCheckbox(CheckboxInput):
    """The consent checkbox, passing on what was sent as it is for ``ConsentField`` to judge
    (Django's checkbox turns any string but ``"false"`` and ``"0"`` into ``True``)."""

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, check_test=is_consent)

    def value_from_datadict(self, data, files, name) -> Any:
        return data.get(name)


class ConsentField(forms.BooleanField):
    """Ticked only by ``is_consent()``; anything else counts as not agreed."""

    widget = ConsentCheckbox

    def to_python(self, value: Any) -> bool:
        return is_consent(value)


class SpacesNormalisedMixin:
    """Unicode spaces become plain spaces before the text is trimmed and checked."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = normalise_spaces(value)
        return super().to_python(value)


class SingleLineField(TextOnlyMixin, SpacesNormalisedMixin, forms.CharField):
    """A trimmed one-line text field with a length limit and no control characters."""

    widget = TextInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.validators.append(validate_single_line)


class MultiLineField(TextOnlyMixin, SpacesNormalisedMixin, forms.CharField):
    widget = Textarea(attrs={"rows": 4})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.validators.append(validate_multiline)


class ParticipantsField(forms.Field):
    """Further participants' names: one per line in the HTML form, a list of strings in JSON."""

    widget = Textarea(attrs={"rows": 3})

    def __init__(self, *, max_participants: int, **kwargs: Any) -> None:
        self.max_participants = max_participants
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[str]:
        if value in self.empty_values:
            return []
        if isinstance(value, str):
            names = split_names(value)
        elif isinstance(value, list | tuple) and all(isinstance(n, str) for n in value):
            names = list(value)
        else:
            raise ValidationError(
                _("Give the further participants as a list of names."), code="invalid"
            )
        names = [normalise_spaces(name).strip() for name in names]
        return [name for name in names if name]

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        if len(value) > self.max_participants:
            raise ValidationError(
                ngettext(
                    "You can name at most %(max)d further participant.",
                    "You can name at most %(max)d further participants.",
                    self.max_participants,
                )
                % {"max": self.max_participants},
                code="too_many",
            )
        for name in value:
            if len(name) > NAME_MAX_LENGTH:
                raise ValidationError(
                    _("Each name can be at most %(max)d characters long.")
                    % {"max": NAME_MAX_LENGTH},
                    code="max_length",
                )
            if not is_single_line(name):
                raise ValidationError(
                    _("Write one name per line, without special characters."),
                    code="control_characters",
                )

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(str(name) for name in value)
        return value


class RegistrationFieldBuilder:
    """Builds form fields from an editor's ``RegistrationQuestion``\\ s, like Wagtail's
    ``FormBuilder``.

    Override point: add ``create_<field_type>_field(self, question, options)`` for a new type.
    """

    def __init__(self, questions: Iterable) -> None:
        self.questions = list(questions)

    def create_singleline_field(self, question, options: dict[str, Any]) -> forms.Field:
        return SingleLineField(max_length=SHORT_ANSWER_MAX_LENGTH, **options)

    def create_multiline_field(self, question, options: dict[str, Any]) -> forms.Field:
        return MultiLineField(max_length=LONG_TEXT_MAX_LENGTH, **options)

    def create_dropdown_field(self, question, options: dict[str, Any]) -> forms.Field:
        choices = [(c, c) for c in question.get_choices()]
        return forms.ChoiceField(choices=[("", _("Choose…")), *choices], **options)

    def create_checkboxes_field(self, question, options: dict[str, Any]) -> forms.Field:
        choices = [(c, c) for c in question.get_choices()]
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **options
        )

    def create_number_field(self, question, options: dict[str, Any]) -> forms.Field:
        # Bounded so that a JSON client cannot store a thousand-digit number.
        return forms.DecimalField(max_digits=12, decimal_places=4, widget=NumberInput, **options)

    def get_create_field_function(self, field_type: str):
        create = getattr(self, f"create_{field_type}_field", None)
        if create is None:
            raise AttributeError(
                f"{type(self).__name__} has no create_{field_type}_field() for questions of "
                f"type {field_type!r}."
            )
        return create

    def get_field_options(self, question) -> dict[str, Any]:
        return {
            "label": question.label,
            "help_text": conditional_escape(question.help_text),
            "required": question.required,
            # Named, so the error summary says which question is unanswered.
            "error_messages": {
                "required": _("Answer the question “%(label)s”.") % {"label": question.label}
            },
        }

    @property
    def formfields(self) -> dict[str, forms.Field]:
        """Form fields named ``answer_<clean_name>``, so a question cannot shadow a fixed field."""
        fields = {}
        for question in self.questions:
            create = self.get_create_field_function(question.field_type)
            fields[ANSWER_PREFIX + question.clean_name] = create(
                question, self.get_field_options(question)
            )
        return fields


@cache
def _municipality_options_html(language: str | None) -> str:
    """Every <option> of the municipality list, built once per language."""
    parts = []
    for value, label in _municipality_field_choices():
        if isinstance(label, list | tuple):
            options = format_html_join("", '<option value="{}">{}</option>', label)
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', value, options))
        else:
            parts.append(format_html('<option value="{}">{}</option>', value, label))
    return "".join(parts)


class MunicipalitySelect(forms.Select):
    """A <select> of the 290 municipalities and 21 regions that renders its options from HTML
    built once per language.

    Django's Select renders each option through a template, some 300 template renders per form,
    which made this list the most expensive part of a session page (bench/render_bench.py). The
    options are shipped data and never change while the site runs, so only the selection and the
    attributes (id, aria-describedby, aria-invalid, required) are rendered per request.
    """

    def use_required_attribute(self, initial) -> bool:
        # Select's own check normalises all 311 choices to look at the first; ours is always
        # the empty "Choose municipality or region", so the answer is the plain widget's.
        return forms.Widget.use_required_attribute(self, initial)

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        options = _municipality_options_html(get_language())
        if value not in (None, ""):
            marker = format_html('value="{}"', value)
            options = options.replace(marker, f"{marker} selected", 1)
        return format_html("<select{}>{}</select>", flatatt(final_attrs), mark_safe(options))  # noqa: S308  built with format_html


@cache
def _municipality_field_choices() -> list:
    # Lazy labels: built once, translated whenever they are rendered.
    return [("", _("Choose municipality or region")), *municipality_choices()]


@cache
def _municipality_values() -> frozenset[str]:
    return frozenset(str(value) for value, _label in flatten_choices(_municipality_field_choices()))


class MunicipalityChoiceField(forms.ChoiceField):
    """The municipality list's field: a value is looked up in a set of the codes built once per
    process, where ChoiceField normalises the 311 choices and walks them on every form (a tenth
    of a registration's CPU time, bench/PROFILE.md). Other choices, set on a form's field,
    are checked as ChoiceField checks them."""

    def valid_value(self, value) -> bool:
        choices = self._choices
        if (
            isinstance(choices, CallableChoiceIterator)
            and choices.func is _municipality_field_choices
        ):
            return str(value) in _municipality_values()
        return super().valid_value(value)


def session_choice_label(session) -> str:
    """ "Det demokratiska samtalet, tisdag 13 mars 2027 kl. 10.00–11.30"."""
    return f"{session.title}, {format_timespan(session.start, session.end)}"


def consent_version(text: str) -> str:
    """The version of a consent text: the first 12 hex digits of its SHA-256, so it changes
    exactly when the text a visitor agrees to changes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def default_consent_text() -> str:
    return gettext(
        "I agree that my details are stored and used to handle my registration for the webinar."
    )


class RegistrationForm(forms.Form):
    """A visitor's registration for one session, or for dates of a series.

    ``page`` is the session or series page; ``questions`` are its editor's questions (from
    ``services.get_questions()``); ``sessions`` are the dates a series form offers, each of them
    open for registration. The same class validates a browser POST (``request.POST``) and a JSON
    body (a dict; answers as ``{"answers": {clean_name: value}}``, see ``from_json()``).
    """

    field_builder_class = RegistrationFieldBuilder

    name = SingleLineField(
        label=_("Name"),
        max_length=NAME_MAX_LENGTH,
        error_messages={"required": _("Write your name.")},
        widget=TextInput(attrs={"autocomplete": "name"}),
    )
    email = EmailField(
        label=_("E-mail"),
        max_length=EMAIL_MAX_LENGTH,
        help_text=_("We send the confirmation and the link to the broadcast here."),
        widget=EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Write your e-mail address."),
            "invalid": _("Enter a valid e-mail address."),
        },
    )
    organisation = SingleLineField(
        label=_("Organisation"),
        max_length=ORGANISATION_MAX_LENGTH,
        error_messages={"required": _("Write the name of your organisation.")},
        widget=TextInput(attrs={"autocomplete": "organization"}),
    )
    municipality_code = MunicipalityChoiceField(
        label=_("Municipality or region"),
        # A callable, so each form copies a reference rather than 311 choices.
        choices=_municipality_field_choices,
        widget=MunicipalitySelect,
        help_text=_('Choose "Other organisation" if you do not work for one.'),
        error_messages={"required": _("Choose a municipality or region.")},
    )

    question_to_speaker = MultiLineField(
        label=_("Question to the speaker"),
        required=False,
        max_length=QUESTION_TO_SPEAKER_MAX_LENGTH,
        help_text=_("We may take it up during the time for questions."),
    )
    consent = ConsentField(
        error_messages={"required": _("You need to agree before you can register.")},
    )
    # A field people never see (its wrapper is hidden); form-filling robots fill it in.
    ww_website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        page,
        questions: Iterable = (),
        sessions: Iterable | None = None,
        waitlisted_sessions: Iterable = (),
        language: str = "sv",
        **kwargs: Any,
    ) -> None:
        # Ids unique per page, so a form for another session on the same page cannot clash.
        self.id_prefix = f"ww-reg-{page.pk}-"
        kwargs.setdefault("auto_id", self.id_prefix + "%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(data, **kwargs)
        self.page = page
        self.language = language
        self.questions = list(questions)
        self.fields["consent"].label = self.consent_text
        max_participants = webinar_settings.REGISTRATION_MAX_PARTICIPANTS
        self.fields["participants"] = ParticipantsField(
            label=_("Further participants from the same organisation"),
            required=False,
            max_participants=max_participants,
            help_text=ngettext(
                "One name per line, at most %(max)d.",
                "One name per line, at most %(max)d.",
                max_participants,
            )
            % {"max": max_participants},
        )
        self.session_choices = list(sessions) if sessions is not None else None
        self.waitlisted_session_ids = {s.pk for s in waitlisted_sessions}
        if self.session_choices is not None:
            choices = [
                (s, self.session_option_label(s, s.pk in self.waitlisted_session_ids))
                for s in self.session_choices
            ]
            # Many dates are grouped by month, and none is ticked beforehand: nobody should
            # find themselves registered for forty dates by sending the form as it came.
            many = len(choices) > webinar_settings.SERIES_SESSIONS_PER_PAGE
            if many:
                by_month: dict[str, list] = {}
                for session, label in choices:
                    by_month.setdefault(format_month(session.start), []).append((session.pk, label))
                field_choices = list(by_month.items())
                initial = []
                help_text = _("Tick the dates you want to attend.")
            else:
                field_choices = [(session.pk, label) for session, label in choices]
                # A full date is not ticked for the visitor: nobody should land on a waiting
                # list without choosing it.
                initial = [
                    s.pk for s in self.session_choices if s.pk not in self.waitlisted_session_ids
                ]
                help_text = _("Untick the dates you cannot attend.")
            self.fields["sessions"] = forms.TypedMultipleChoiceField(
                label=_("Dates"),
                help_text=help_text,
                coerce=int,
                choices=field_choices,
                initial=initial,
                widget=SessionCheckboxes,
                error_messages={"required": _("Choose at least one date.")},
            )
        self.fields.update(self.field_builder_class(self.questions).formfields)
        for field in self.fields.values():
            if getattr(field, "max_length", None):
                # Django's own message counts in a way no visitor asked for ("Säkerställ att
                # det här värdet har högst …"); this one says what to do.
                field.error_messages["max_length"] = MAX_LENGTH_MESSAGE
        self.order_fields(
            [
                "name",
                "email",
                "organisation",
                "municipality_code",
                "participants",
                "sessions",
                *self.answer_field_names,
                "question_to_speaker",
                "consent",
                HONEYPOT_FIELD,
            ]
        )

    def session_option_label(self, session, waitlisted: bool) -> str:
        """Override point: a date's label in the series form, with its state when it is full."""
        label = session_choice_label(session)
        if waitlisted:
            # Translators: a date of a series whose places are taken: "…, kl. 10.00–11.30 –
            # Fullbokat – väntelista"
            return gettext("%(date)s – Full – waiting list") % {"date": label}
        return label

    @classmethod
    def data_from_json(cls, body: Mapping[str, Any]) -> dict[str, Any]:
        """Flatten a JSON body into form data: ``answers`` become ``answer_<clean_name>``."""
        data = {k: v for k, v in body.items() if k not in ("answers", "consent")}
        # Only JSON true agrees; "on", the checkbox's value, is no answer of a JSON client.
        data["consent"] = body.get("consent") is True
        answers = body.get("answers") or {}
        if isinstance(answers, dict):
            for key, value in answers.items():
                data[ANSWER_PREFIX + str(key)] = value
        return data

    @property
    def consent_text(self) -> str:
        """The consent text as the visitor sees it; stored with the registration."""
        return str(webinar_settings.REGISTRATION_CONSENT_TEXT or default_consent_text())

    @property
    def privacy_policy_url(self) -> str:
        return webinar_settings.PRIVACY_POLICY_URL

    @property
    def answer_field_names(self) -> list[str]:
        return [ANSWER_PREFIX + q.clean_name for q in self.questions]

    # Groups of bound fields, one fieldset each in the template.
    def about_you_fields(self) -> list[forms.BoundField]:
        """The fields of the fieldset "Om dig". A subclass that adds a field of its own shows it
        by extending this list (or ``question_fields()``)."""
        return [self[n] for n in ("name", "email", "organisation", "municipality_code")]

    def question_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in self.answer_field_names] + [self["question_to_speaker"]]

    def clean_municipality_code(self) -> str:
        code = self.cleaned_data["municipality_code"]
        # The choices already limit it; this keeps the rule if a subclass widens the choices.
        if not is_valid_code(code):
            raise ValidationError(_("Choose a municipality or region from the list."))
        return code

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        version = self.data.get("consent_version") if hasattr(self.data, "get") else None
        if version is not None and version != consent_version(self.consent_text):
            # A frontend sends the version of the consent text it showed: the text stored with
            # the registration must be the one the visitor agreed to.
            self.add_error(
                "consent",
                ValidationError(
                    _(
                        "The consent text has changed since the form was shown. Read it again "
                        "and agree to it to register."
                    ),
                    code="consent_outdated",
                ),
            )
        if cleaned.get(HONEYPOT_FIELD):
            # A person whose browser filled the hidden field gets it emptied and can send again.
            data = self.data.copy() if hasattr(self.data, "copy") else dict(self.data)
            data[HONEYPOT_FIELD] = ""
            self.data = data
            raise ValidationError(
                _("We could not accept the form. Please check your details and send it again."),
                code="honeypot",
            )
        return cleaned

    def refuse_unreadable(self, message: str) -> None:
        """Hold ``message`` as the form's only error: for a POST whose body Django could not
        read (too large, too many fields), so there is nothing typed to show again. Call on a
        form bound to empty data."""
        self._errors = ErrorDict()
        self.cleaned_data = {}
        self.add_error(None, message)

    def has_error_summary(self) -> bool:
        return self.is_bound and bool(self.errors)

    def error_summary(self) -> list[tuple[str, str]]:
        """(target id, message) pairs for the summary at the top, in the order of the fields."""
        items = [("", str(message)) for message in self.non_field_errors()]
        for bound in self:
            if bound.errors and not bound.is_hidden:
                target = bound.auto_id
                if bound.field.widget.use_fieldset:
                    target = f"{bound.auto_id}_0"
                for message in bound.errors:
                    items.append((target, str(message)))
        return items

    def answers(self) -> dict[str, Any]:
        answers = {}
        for question in self.questions:
            value = self.cleaned_data.get(ANSWER_PREFIX + question.clean_name)
            if isinstance(value, Decimal):
                # JSON has no decimals: whole numbers stay ints, others become floats.
                value = int(value) if value == value.to_integral_value() else float(value)
            answers[question.clean_name] = value
        return answers

    def get_registration_request(self) -> RegistrationRequest:
        """The validated data as the service's ``RegistrationRequest``."""
        data = self.cleaned_data
        return RegistrationRequest(
            name=data["name"],
            email=data["email"],
            organisation=data["organisation"],
            municipality_code=data["municipality_code"],
            participants=data.get("participants") or [],
            answers=self.answers(),
            question_to_speaker=data.get("question_to_speaker", ""),
            consent_text=self.consent_text,
            language=self.language,
        )

    def selected_sessions(self) -> list:
        """For a series form: the sessions the visitor ticked, in date order."""
        if self.session_choices is None:
            return []
        chosen = set(self.cleaned_data.get("sessions") or [])
        return [s for s in self.session_choices if s.pk in chosen]
