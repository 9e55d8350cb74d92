"""Saved inbox views: a name for a set of inbox filters and a sort, personal or shared with every agent.

The filters are stored as the inbox reads them from its GET parameters ("" = the inbox's default). They are
checked by the inbox's own parser when the view is saved and every time it is shown: a category removed
since, or a value typed in the admin, makes the view show an error instead of failing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.cases.models import TAG_LENGTH

FILTER_FIELDS = ("view", "status", "channel", "priority", "category", "stage", "tag", "sort")


class SavedView(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views", verbose_name=_("owner")
    )
    name = models.CharField(_("name"), max_length=80)
    is_shared = models.BooleanField(
        _("shared with everyone"), default=False, help_text=_("Shared views are managed by leads and admins.")
    )
    view = models.CharField(_("base view"), max_length=16, blank=True)
    status = models.CharField(_("status"), max_length=16, blank=True)
    channel = models.CharField(_("channel"), max_length=16, blank=True)
    priority = models.CharField(_("priority"), max_length=8, blank=True)
    category = models.CharField(_("category"), max_length=40, blank=True)
    stage = models.CharField(_("stage"), max_length=16, blank=True)
    tag = models.CharField(_("tag"), max_length=TAG_LENGTH, blank=True)
    sort = models.CharField(_("sort"), max_length=16, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["position", "name", "id"]
        verbose_name = _("saved inbox view")
        verbose_name_plural = _("saved inbox views")
        indexes = [
            models.Index(fields=["owner", "position"], name="saved_view_owner"),
            models.Index(fields=["position"], name="saved_view_shared", condition=models.Q(is_shared=True)),
        ]

    def __str__(self) -> str:
        return self.name

    def params(self) -> dict[str, str]:
        """The stored filters as inbox GET parameters (only those that are set)."""
        return {name: getattr(self, name) for name in FILTER_FIELDS if getattr(self, name)}
