"""The composer's other half on a WhatsApp case whose 24-hour window has closed: an approved template, filled in."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from soridam.channels.meta.models import MessageTemplate
from soridam.workspace.forms import CaseForm

# Meta refuses a template parameter with a line break, a tab or more than four spaces in a row (error 132018),
# and long ones [M: 1,024 characters for a body parameter].
MAX_PARAMETER = 1024


class TemplateForm(CaseForm):
    id_prefix = "template"
    template = forms.ModelChoiceField(
        queryset=MessageTemplate.objects.none(),
        label=_("Template"),
        error_messages={"invalid_choice": _("Choose one of the approved templates.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Lazy: the case page builds this form without reading templates (it lists them only when needed).
        field = cast(forms.ModelChoiceField, self.fields["template"])  # type: ignore[type-arg]
        field.queryset = MessageTemplate.objects.filter(is_active=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        template = data.get("template")
        if isinstance(template, MessageTemplate):
            data["values"] = [self._value(number) for number in template.variable_numbers()]
        return data

    def _value(self, number: int) -> str:
        value = str(self.data.get(f"var-{number}", "")).strip()
        if not value:
            self.add_error(None, _("Fill in variable %(number)s.") % {"number": number})
        elif "\n" in value or "\t" in value or "     " in value or len(value) > MAX_PARAMETER:
            self.add_error(
                None,
                _("Variable %(number)s must be one line of at most %(limit)s characters.")
                % {"number": number, "limit": MAX_PARAMETER},
            )
        return value
