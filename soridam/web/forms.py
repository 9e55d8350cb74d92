"""Forms of the public pages. Each checks everything before a view calls the actions layer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from soridam.cases.actions import NewCase
from soridam.cases.categories import active_category
from soridam.cases.models import Category
from soridam.customers.actions import Contact, normalise_phone
from soridam.followup.models import QuestionKind, SurveyQuestion
from soridam.web.files import AttachmentsField

SUBJECT_LENGTH = 60
MIN_PHONE_DIGITS = 7


def current_language() -> str:
    """The active UI language as one of settings.LANGUAGES (what the customer's e-mails will use)."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    known = {code for code, _name in settings.LANGUAGES}
    return language if language in known else settings.LANGUAGE_CODE


def subject_from(text: str) -> str:
    """A subject taken from the first line of the message, cut near SUBJECT_LENGTH characters at a word break."""
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first_line) <= SUBJECT_LENGTH:
        return first_line
    cut = first_line[:SUBJECT_LENGTH]
    head, space, _tail = cut.rpartition(" ")
    return (head if space and len(head) >= SUBJECT_LENGTH // 2 else cut).rstrip(" ,.;:") + "…"


def attachments_help() -> str:
    limit_mb = settings.SORIDAM_MAX_ATTACHMENT_BYTES // (1024 * 1024)
    return _("Up to %(count)d files of at most %(size)d MB each: photos, PDF, office or HWP documents, plain text.") % {
        "count": settings.SORIDAM_MAX_ATTACHMENTS,
        "size": limit_mb,
    }


class DescribedErrorsMixin(forms.Form):
    """Point each invalid input at its error text (aria-describedby), so screen readers read the reason."""

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            described = [f"{bound.auto_id}_error"]
            if self.fields[name].help_text:
                described.append(f"{bound.auto_id}_helptext")
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(described)


class EmptiedTextInput(forms.TextInput):
    """Never echoes what was typed: a form refused for its honeypot comes back with the trap empty."""

    def format_value(self, value: Any) -> str | None:
        return None


class CategoryChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name_for(current_language()))

    def to_python(self, value: Any) -> Category | None:
        """The chosen category from this process's copy of the active ones (``cases.categories``): a form
        sent costs no query for it. The choices shown on the page still come from ``queryset``."""
        if value in self.empty_values:
            return None
        category = active_category(str(value))
        if category is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return category


class ComplaintForm(DescribedErrorsMixin):
    name = forms.CharField(label=_("Your name"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(
        label=_("E-mail address"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    category = CategoryChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(is_active=True),
        to_field_name="slug",  # stable option values: "delivery", not a database id
        empty_label=_("Choose a category"),
    )
    order_number = forms.CharField(label=_("Order number (optional)"), max_length=64, required=False)
    subject = forms.CharField(
        label=_("Subject (optional)"),
        max_length=200,
        required=False,
        help_text=_("If you leave it empty, we use the start of your message."),
    )
    text = forms.CharField(label=_("What happened?"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8}))
    attachments = AttachmentsField(label=_("Files (optional)"))
    # The honeypot: hidden from people (CSS, aria-hidden, out of the tab order); bots fill every field.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=EmptiedTextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachments_help()

    def clean_phone(self) -> str:
        phone = str(self.cleaned_data.get("phone", "")).strip()
        if phone and len(normalise_phone(phone).lstrip("+")) < MIN_PHONE_DIGITS:
            raise forms.ValidationError(_("Enter a phone number with at least 7 digits."), code="phone")
        return phone

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("website"):
            raise forms.ValidationError(
                _("We could not accept this form. Please try again, or write to us by e-mail."), code="spam"
            )
        if not cleaned.get("email") and not cleaned.get("phone") and "email" not in self.errors:
            self.add_error("email", _("Give an e-mail address or a phone number, so we can answer you."))
        return cleaned

    def new_case(self, *, language: str) -> NewCase:
        data = self.cleaned_data
        contact = Contact(name=data["name"], email=data["email"], phone=data["phone"], language=language)
        return NewCase(
            subject=data["subject"] or subject_from(data["text"]),
            body=data["text"],
            contact=contact,
            channel="web",
            category=data["category"],
            order_number=data["order_number"],
            uploads=data["attachments"],
        )


class ReplyForm(DescribedErrorsMixin):
    body = forms.CharField(label=_("Your reply"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5}))
    attachments = AttachmentsField(label=_("Files (optional)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "reply-%s")  # the textarea is #reply-body
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachments_help()


RATING_LABELS = {
    1: _("1 – Very dissatisfied"),
    2: _("2 – Dissatisfied"),
    3: _("3 – Neither"),
    4: _("4 – Satisfied"),
    5: _("5 – Very satisfied"),
}


class SurveyForm(DescribedErrorsMixin):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=list(RATING_LABELS.items()),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "survey-%s")  # the comment box is #survey-comment
        super().__init__(*args, **kwargs)

    def rating_options(self) -> list[dict[str, object]]:
        """The radios, rendered by hand so their ids are rating-1 … rating-5."""
        chosen = str(self["rating"].value() or "")
        return [
            {"value": value, "label": label, "id": f"rating-{value}", "checked": str(value) == chosen}
            for value, label in RATING_LABELS.items()
        ]


class NpsForm(DescribedErrorsMixin):
    score = forms.TypedChoiceField(
        label=_("How likely are you to recommend us? (0 = not at all, 10 = very likely)"),
        choices=[(value, str(value)) for value in range(11)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a score from 0 to 10.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "nps-%s")
        super().__init__(*args, **kwargs)


class TemplateSurveyForm(DescribedErrorsMixin):
    """A brand's own survey (``followup.SurveyTemplate``): one field per question, in order. Its first
    rating question is the case's CSAT; a template without one keeps the default 1–5 rating first."""

    def __init__(self, questions: list[SurveyQuestion], *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "survey-%s")
        super().__init__(*args, **kwargs)
        self.questions = questions
        if not any(question.kind == QuestionKind.RATING for question in questions):
            self.fields["rating"] = SurveyForm.base_fields["rating"]
        for question in questions:
            self.fields[f"q{question.pk}"] = _question_field(question)

    def rating(self) -> int:
        first = next((q for q in self.questions if q.kind == QuestionKind.RATING), None)
        return int(self.cleaned_data["rating"] if first is None else self.cleaned_data[f"q{first.pk}"])

    def answers(self) -> dict[str, str]:
        return {str(question.pk): str(self.cleaned_data.get(f"q{question.pk}", "")) for question in self.questions}


def _question_field(question: SurveyQuestion) -> forms.Field:
    label, required = question.text, question.required or question.kind == QuestionKind.RATING
    if question.kind == QuestionKind.TEXT:
        return forms.CharField(
            label=label, required=required, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
        )
    if question.kind == QuestionKind.CHOICE:
        choices = [(choice, choice) for choice in question.choice_list()]
        return forms.ChoiceField(label=label, required=required, choices=choices, widget=forms.RadioSelect)
    top = 5 if question.kind == QuestionKind.RATING else 10
    bottom = 1 if question.kind == QuestionKind.RATING else 0
    values = [(value, str(value)) for value in range(bottom, top + 1)]
    return forms.TypedChoiceField(label=label, required=required, choices=values, coerce=int, widget=forms.RadioSelect)
