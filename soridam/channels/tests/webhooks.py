"""Helpers for every channel's webhook tests: post a raw body to ``/hooks/<kind>/<slug>/`` with the queued
work run (as the worker would after the commit), and count the rows of every table (a refused request
must leave none)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.test import Client


def post_hook(
    client: Client, capture: Any, kind: str, slug: str, body: bytes, headers: dict[str, str] | None = None
) -> Any:
    """POST ``body`` as the provider would; ``capture`` is pytest-django's ``django_capture_on_commit_callbacks``."""
    with capture(execute=True):
        return client.post(f"/hooks/{kind}/{slug}/", data=body, content_type="application/json", headers=headers or {})


def row_counts() -> dict[str, int]:
    """Rows in every table of the project's models (sessions and the like included)."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}
