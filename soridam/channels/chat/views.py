"""The widget demo page: the chat widget embedded as a shop's own page would embed it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static


def demo(request: HttpRequest) -> HttpResponse:
    base = str(settings.SITE_URL)  # the API the widget talks to; its Origin is on the allowlist by default
    context = {"api_base": base, "widget_url": base + static("chat/widget.js")}
    return render(request, "chat/demo.html", context)
