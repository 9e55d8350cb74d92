"""The public algorithm cards: ``/odr/algorithms/`` and ``/odr/algorithms/<name>/`` (SPEC §3.5)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from soridam.odr.cards import CARDS, midpoint_leak, worked_example


@require_GET
def card_list(request: HttpRequest) -> HttpResponse:
    return render(request, "odr/cards/list.html", {"cards": list(CARDS.values())})


@require_GET
def card_detail(request: HttpRequest, name: str) -> HttpResponse:
    card = CARDS.get(name)
    if card is None:
        raise Http404
    example = worked_example(card)
    context = {"card": card, "example": example, "leak": midpoint_leak(card, example.output)}
    return render(request, "odr/cards/detail.html", context)
