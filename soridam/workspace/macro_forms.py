"""The form an agent uses to write a macro. Shared macros (no owner) are for leads and admins only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from soridam.accounts.models import User
from soridam.macros.access import may_manage_shared_macros
from soridam.macros.models import Macro


class MacroForm(forms.ModelForm[Macro]):
    shared = forms.BooleanField(
        label=_("Shared with everyone"), required=False, help_text=_("Off: only you see this macro.")
    )

    class Meta:
        model = Macro
        fields = ["name", "body", "set_status", "set_stage", "set_priority", "add_tag", "is_active"]
        widgets = {"body": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, data: Any = None, *, user: User, instance: Macro | None = None) -> None:
        super().__init__(data, instance=instance)
        self.user = user
        self.fields["shared"].initial = instance is not None and instance.is_shared
        if not may_manage_shared_macros(user):
            del self.fields["shared"]  # a plain agent writes personal macros only

    def save(self, commit: bool = True) -> Macro:
        macro = super().save(commit=False)
        macro.owner = None if self.cleaned_data.get("shared") else (macro.owner or self.user)
        macro.add_tag = " ".join(macro.add_tag.split())
        if commit:
            macro.save()
        return macro
