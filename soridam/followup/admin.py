from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from soridam.followup.models import Survey
from soridam.privacy.presenter import shown


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin[Survey]):
    """The comment is the customer's own text: shown through the privacy presenter, never as a form field."""

    list_filter = ("rating",)
    list_select_related = ("case",)
    exclude = ("comment",)
    readonly_fields = ("case", "sent_at", "expires_at", "rating", "shown_comment", "answered_at")

    def get_list_display(self, request: HttpRequest) -> tuple[str | Callable[[Survey], str], ...]:
        return ("rating", "answered_at", "case", _comment_column(request.user), "sent_at")

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Survey | None:
        survey = super().get_object(request, object_id, from_field)
        if survey is not None:
            # Display methods get the object only; the presenter needs to know who is looking.
            setattr(survey, "_viewer", request.user)  # noqa: B010 - not a model field
        return survey

    @admin.display(description=_("comment"))
    def shown_comment(self, survey: Survey) -> str:
        viewer: Any = getattr(survey, "_viewer", None)
        return shown(viewer, survey.comment)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # surveys are created when a case is solved or closed


def _comment_column(user: Any) -> Callable[[Survey], str]:
    def comment(survey: Survey) -> str:
        return shown(user, survey.comment)[:200]

    comment.short_description = _("comment")  # type: ignore[attr-defined]
    return comment
