"""The customer page: the 360 panel, probable duplicates, notes, and merging (R-CRM-2, R-CRM-3).

Every customer is loaded through ``access_customer``: an agent sees only the customers of cases they may see,
and may merge only two customers they can both see.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from soridam.accounts.models import User
from soridam.audit.actors import Actor
from soridam.cases.access import access_customer, customers_visible_to
from soridam.customers import actions, merges
from soridam.customers.models import Customer, CustomerMerge
from soridam.customers.suggestions import probable_matches
from soridam.workspace.customer_panel import panel_for

MERGE_HISTORY = 10


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class MergeForm(forms.Form):
    source = forms.IntegerField(label=_("Customer to merge into this one"), min_value=1, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why are they the same person?"), max_length=1000)


def customer_context(user: User, customer: Customer, **forms_given: forms.Form) -> dict[str, Any]:
    visible = customers_visible_to(user)
    merges_of = CustomerMerge.objects.filter(target=customer) | CustomerMerge.objects.filter(source=customer)
    return {
        "customer": customer,
        "customer_panel": panel_for(user, customer),
        "suggestions": probable_matches(customer, visible),
        "merges": list(merges_of.order_by("-created_at", "-id")[:MERGE_HISTORY]),
        "note_form": forms_given.get("note_form") or NoteForm(),
        "merge_form": forms_given.get("merge_form") or MergeForm(),
    }


def add_note(user: User, customer: Customer, form: NoteForm) -> bool:
    if not form.is_valid():
        return False
    actions.add_note(customer, form.cleaned_data["body"], author_id=user.pk)
    return True


def merge_into(user: User, target: Customer, form: MergeForm) -> CustomerMerge | None:
    """Merge the posted customer into ``target``; a refusal becomes the form's error."""
    if not form.is_valid():
        return None
    source = access_customer(user, form.cleaned_data["source"])  # 404 for a customer the agent cannot see
    try:
        return merges.merge_customers(source.pk, target.pk, actor=Actor(user=user), reason=form.cleaned_data["reason"])
    except merges.MergeRefused as refused:
        form.add_error(None, str(refused))
        return None


def undo(user: User, merge_id: int) -> tuple[int, str]:
    """Undo a merge on a customer the user may see: the surviving customer's id, and why the undo was
    refused (empty when it was done). Only the surviving customer is checked: the merged one has no cases
    left, so no agent would see it, and everything it had is now on the surviving customer."""
    merge = CustomerMerge.objects.filter(pk=merge_id).first()
    if merge is None:
        raise Http404
    access_customer(user, merge.target_id)
    try:
        merges.undo_merge(merge.pk, actor=Actor(user=user))
    except merges.MergeRefused as refused:
        return merge.target_id, str(refused)
    return merge.target_id, ""
