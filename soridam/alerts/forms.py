from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms

from soridam.accounts.models import User
from soridam.alerts.models import AlertSettings


class DigestForm(forms.ModelForm[AlertSettings]):
    class Meta:
        model = AlertSettings
        fields = ["email_digest"]

    def __init__(self, data: Mapping[str, Any] | None = None, *, user: User) -> None:
        instance = AlertSettings.objects.filter(user=user).first() or AlertSettings(user=user)
        super().__init__(data, instance=instance)
