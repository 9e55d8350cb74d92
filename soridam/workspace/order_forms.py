"""Linking an order to the case from the case page, and unlinking it. The forms only check input; the link
is written by ``cases.order_actions``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from soridam.orders.models import Order
from soridam.workspace.forms import CaseForm


class OrderLinkForm(CaseForm):
    id_prefix = "order-link"
    number = forms.CharField(label=_("Link an order"), max_length=64)


class OrderUnlinkForm(CaseForm):
    id_prefix = "order-unlink"
    number = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def clean_number(self) -> Order:
        """The linked order with this number (the page lists the numbers it shows from the timeline)."""
        number = self.cleaned_data["number"].strip()
        order = Order.objects.filter(case_links__case=self.case, number=number).first()
        if order is None:
            raise forms.ValidationError(
                _("No order numbered %(number)s is linked to this case."), params={"number": number}
            )
        return order
