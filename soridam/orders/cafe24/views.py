"""Connecting a Cafe24 shop: the admin starts the OAuth flow from the shop's admin page, Cafe24 sends the
browser back here with the code. Only an active staff admin may do either (the state also ties the callback
to the browser session that started it: ``oauth``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from soridam.accounts.models import Role
from soridam.orders.cafe24 import oauth
from soridam.orders.models import Provider, Shop
from soridam.orders.providers import ProviderError
from soridam.orders.sync import mark_available


def _require_admin(request: HttpRequest) -> None:
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff and user.effective_role == Role.ADMIN):
        raise PermissionDenied


def callback_uri(request: HttpRequest, shop: Shop) -> str:
    """The redirect URI registered with the Cafe24 app: the shop's own setting, else this site's callback."""
    return str(shop.options.get("redirect_uri") or request.build_absolute_uri(reverse("cafe24_callback")))


@require_GET
def connect(request: HttpRequest, shop_id: int) -> HttpResponse:
    _require_admin(request)
    shop = get_object_or_404(Shop, pk=shop_id, provider=Provider.CAFE24)
    return HttpResponseRedirect(oauth.start(shop, request.session, redirect_uri=callback_uri(request, shop)))


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    try:
        shop_id = oauth.checked_state(request.GET.get("state", ""), request.session)
    except oauth.StateRefused:
        return HttpResponseBadRequest(_("This Cafe24 authorisation was not started here, or it expired."))
    shop = get_object_or_404(Shop, pk=shop_id, provider=Provider.CAFE24)
    admin_page = reverse("admin:orders_shop_change", args=[shop.pk])
    code = request.GET.get("code", "")
    if not code:  # the operator declined, or Cafe24 sent an error
        messages.error(
            request, _("Cafe24 did not authorise the shop: %(error)s") % {"error": request.GET.get("error", "")}
        )
        return HttpResponseRedirect(admin_page)
    try:
        oauth.exchange_code(shop, code, redirect_uri=callback_uri(request, shop))
    except ProviderError as error:
        messages.error(request, _("Cafe24 refused the authorisation: %(error)s") % {"error": error})
        return HttpResponseRedirect(admin_page)
    mark_available(shop)
    messages.success(request, _("The shop is connected to Cafe24."))
    return HttpResponseRedirect(admin_page)
