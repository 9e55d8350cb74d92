"""The forms that name a saved inbox view. Only leads and admins see the "shared" box."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from soridam.accounts.models import User
from soridam.saved_views.access import may_manage_shared_views
from soridam.saved_views.models import SavedView


class SavedViewForm(forms.ModelForm[SavedView]):
    class Meta:
        model = SavedView
        fields = ["name", "is_shared"]
        labels = {"name": _("View name"), "is_shared": _("Shared with every agent")}

    def __init__(self, data: Any = None, *, user: User, instance: SavedView | None = None) -> None:
        super().__init__(data, instance=instance)
        if not may_manage_shared_views(user):
            del self.fields["is_shared"]  # a plain agent saves personal views only

    def clean_name(self) -> str:
        name = " ".join(str(self.cleaned_data["name"]).split())
        if not name:
            raise forms.ValidationError(_("Give the view a name."))
        return name
