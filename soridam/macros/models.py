"""Macros: saved replies with variables, and optional changes applied to the case when the reply is sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.cases.models import TAG_LENGTH, Priority, Status
from soridam.cases.stages import Stage
from soridam.lib.process_copy import ChangeCount, CountedChanges

SETTABLE_STATUSES = [(value, label) for value, label in Status.choices if value != Status.MERGED]


# Saves and deletes of macros in this process: the case page's copy of them reads again (``macros.access``).
macro_changes = ChangeCount()


class Macro(CountedChanges):
    changes = macro_changes

    name = models.CharField(_("name"), max_length=120)
    body = models.TextField(
        _("text"), help_text=_("Variables: {{customer.name}}, {{case.reference}}, {{case.subject}}, {{agent.name}}.")
    )
    # No owner: a shared macro, managed by leads and admins. With an owner: that agent's own.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="macros",
        verbose_name=_("owner"),
    )
    set_status = models.CharField(_("set status"), max_length=8, choices=SETTABLE_STATUSES, blank=True)
    set_stage = models.CharField(_("set stage"), max_length=16, choices=Stage.choices, blank=True)
    set_priority = models.CharField(_("set priority"), max_length=8, choices=Priority.choices, blank=True)
    add_tag = models.CharField(_("add tag"), max_length=TAG_LENGTH, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("macro")
        verbose_name_plural = _("macros")

    def __str__(self) -> str:
        return self.name

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None
