"""The inbox page: a list of cases, filtered, sorted and paged by cursor."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from soridam.accounts.staff import StaffRequest, staff_required
from soridam.cases.models import Category, Priority, Status
from soridam.cases.stages import Stage
from soridam.channels.kinds import Channel
from soridam.lib.htmx import is_htmx
from soridam.saved_views.access import access_saved_view, may_manage_shared_views
from soridam.saved_views.models import SavedView
from soridam.workspace import inbox, inbox_changes
from soridam.workspace.bulk_forms import BulkForm
from soridam.workspace.inbox_views import inbox_views, saved_query


def _choices() -> dict[str, object]:
    return {
        "views": inbox.VIEWS,
        "statuses": Status.choices,
        "channels": Channel.choices,
        "priorities": Priority.choices,
        "stages": Stage.choices,
        "sorts": inbox.SORTS,
    }


def _canonical_url(query: inbox.InboxQuery) -> str:
    """The address bar shows only what differs from the defaults, not every empty filter field."""
    params = query.url_params(cursor=query.cursor)
    return reverse("workspace:inbox") + (f"?{params}" if params else "")


def _read_query(request: StaffRequest, slugs: list[str]) -> tuple[inbox.InboxQuery, SavedView | None]:
    """The query in the address; ``?saved=<id>`` stands for that saved view's stored filters (404 if not seen)."""
    query = inbox.parse_inbox_query(request.GET, slugs)
    if not query.saved:
        return query, None
    saved = access_saved_view(request.user, int(query.saved))
    return saved_query(saved, slugs, cursor=query.cursor), saved


@staff_required
@require_GET
def inbox_list(request: StaffRequest) -> HttpResponse:
    categories = list(Category.objects.all())
    slugs = [category.slug for category in categories]
    context: dict[str, object] = {"categories": categories, "bulk": BulkForm(user=request.user), **_choices()}
    context.update(inbox_stamp=inbox_changes.inbox_stamp(), inbox_poll_seconds=inbox_changes.POLL_SECONDS)
    context["builtin_views"], context["saved_views"] = inbox_views(request.user, slugs)
    context["may_share_views"] = may_manage_shared_views(request.user)
    try:
        query, context["saved_view"] = _read_query(request, slugs)
    except inbox.InvalidInboxQuery as invalid:
        context.update(query=inbox.InboxQuery(), error=invalid.message, page=None)
        status, push_url = 400, "false"
    else:
        context.update(query=query, page=inbox.inbox_page(request.user, query))
        status, push_url = 200, _canonical_url(query)
    partial = is_htmx(request) and request.headers.get("HX-Target") == "inbox"
    response = render(request, "workspace/_inbox.html" if partial else "workspace/inbox.html", context, status=status)
    if partial:
        response["HX-Push-Url"] = push_url
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@staff_required
@require_GET
def inbox_changed(request: StaffRequest) -> HttpResponse:
    """204 while nothing the agent may see changed since ``?since=``; else 200 and the ``inbox-changed``
    event, on which the page fetches its list again (``_inbox.html``)."""
    try:
        since = inbox_changes.stamp_time(request.GET.get("since", ""))
    except (ValueError, OverflowError, OSError):
        return HttpResponseBadRequest(_("The since stamp is not a number this page gave."))
    if not inbox_changes.changed_since(request.user, since):
        return HttpResponse(status=204)
    return HttpResponse(headers={"HX-Trigger": "inbox-changed"})
