"""Linking an order to the case from the case page, and unlinking it. The forms only check input; the link
is written by ``cases.order_actions``."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from soridam.accounts.models import User
from soridam.cases.models import Case
from soridam.orders.models import Order
from soridam.workspace.forms import CaseForm


class OrderLinkForm(CaseForm):
    id_prefix = "order-link"
    number = forms.CharField(label=_("Link an order"), max_length=64)


class OrderUnlinkForm(CaseForm):
    id_prefix = "order-unlink"
    order = forms.ModelChoiceField(queryset=Order.objects.none(), widget=forms.HiddenInput)

    def __init__(self, data: Any = None, files: Any = None, *, case: Case, user: User) -> None:
        super().__init__(data, files, case=case, user=user)
        field = cast(forms.ModelChoiceField[Order], self.fields["order"])
        field.queryset = Order.objects.filter(case_links__case=case)
