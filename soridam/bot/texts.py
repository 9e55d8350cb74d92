"""Every sentence the bot says that is not quoted from an article: the templates, in ko and en (gettext).

The bot writes nothing else (R-BOT-1): an answer is a template around a passage of the article, with its link.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .order_status import OrderView, Shipped

HONORIFIC_KO = "고객님"


def salutation(name: str, language: str) -> str:
    """ "홍길동 고객님" for an identified customer, nothing for anyone else (R-BOT-2)."""
    if not name:
        return ""
    if language == "ko":
        return f"{name} {HONORIFIC_KO}, "
    return f"{name}, "


def in_language(language: str, build: str) -> str:
    with translation.override(language):
        return _TEMPLATES[build]()


_TEMPLATES = {
    "automated": lambda: _("I am Soridam's automated assistant. Type 'agent' at any time to reach a person."),
    "greeting": lambda: _("Hello! How can I help you?"),
    "answer_intro": lambda: _("This is what our help centre says:"),
    "footer": lambda: _("Not what you needed? Type 'agent' to reach a person."),
    "offer_person": lambda: _(
        "I am not sure I found the right answer. Shall I connect you with a person? Reply 'agent', or tell me "
        "more in other words."
    ),
    "handover": lambda: _("I am passing this conversation to a person, who will see everything you wrote."),
    "handover_safety": lambda: _(
        "Your safety comes first. Please stop using the product. I am passing this to a person now."
    ),
    "closing": lambda: _("Glad I could help. If anything else comes up, just write here."),
    "status_ask": lambda: _(
        "To look up a case, please send its reference (such as C-2026-000123) with the e-mail address or the "
        "last four digits of the phone number you gave us."
    ),
    "status_none": lambda: _("I could not find an open case with those details."),
    "status_intro": lambda: _("Your open cases:"),
    "status_limited": lambda: _("Too many look-ups. Please try again in a minute."),
    "order_ask": lambda: _(
        "To show an order's status, please send the order number with the phone number, e-mail address or "
        "name used for the order."
    ),
    "order_none": lambda: _(
        "I could not find an order with those details. Please check the order number and send it with the "
        "phone number, e-mail address or name used for the order."
    ),
    "order_handover": lambda: _(
        "I could not confirm the order with those details. I am passing this conversation to a person, who "
        "will see everything you wrote."
    ),
    "order_intro": lambda: _("Your orders:"),
}

# One sentence per ``orders.OrderStatus`` value: what the customer should understand from it. Its own msgctxt
# (written out in each call: makemessages reads only literals), as "delivered" may mean something else elsewhere.
_ORDER_STATUSES = {
    "pending_payment": lambda: pgettext("order status in the bot", "waiting for your payment"),
    "paid": lambda: pgettext("order status in the bot", "paid; the shop is getting it ready"),
    "preparing": lambda: pgettext("order status in the bot", "being prepared for shipping"),
    "shipped": lambda: pgettext("order status in the bot", "shipped and on its way"),
    "delivered": lambda: pgettext("order status in the bot", "delivered"),
    "cancelled": lambda: pgettext("order status in the bot", "cancelled"),
    "return_requested": lambda: pgettext("order status in the bot", "return requested"),
    "returned": lambda: pgettext("order status in the bot", "returned"),
    "exchange_requested": lambda: pgettext("order status in the bot", "exchange requested"),
    "exchanged": lambda: pgettext("order status in the bot", "exchanged"),
    "partially_refunded": lambda: pgettext("order status in the bot", "partly refunded"),
    "refunded": lambda: pgettext("order status in the bot", "refunded"),
}


def order_status(status: str) -> str:
    """The status in words, in the active language; an unknown value as the shop gave it."""
    words = _ORDER_STATUSES.get(status)
    return words() if words else status


def order_lines(language: str, view: OrderView) -> list[str]:
    """One order in the customer's language: status, items, the latest shipment and its link, delivery."""
    with translation.override(language):
        lines = [_("Order %(number)s (%(shop)s): %(status)s.") % _order_words(view)]
        if view.items:
            lines.append(_("Items: %(items)s") % {"items": ", ".join(_item(*item) for item in view.items)})
        if view.shipment is not None:
            lines.append(_shipment(view.shipment))
        if view.delivered_at is not None:
            lines.append(_("Delivered on %(date)s.") % {"date": _local(view.delivered_at)})
        if not view.current:
            lines.append(
                _("The shop cannot be reached right now: this is as last synced at %(when)s.")
                % {"when": _local(view.synced_at)}
            )
    return lines


def _order_words(view: OrderView) -> dict[str, str]:
    return {"number": view.number, "shop": view.shop, "status": order_status(view.status)}


def _item(name: str, option: str, quantity: int) -> str:
    named = f"{name} ({option})" if option else name
    return f"{named} × {quantity}"


def _shipment(shipment: Shipped) -> str:
    line = _("Shipment: %(carrier)s, tracking number %(number)s") % {
        "carrier": shipment.carrier or "-",
        "number": shipment.tracking_number,
    }
    if shipment.tracking_url:
        line += "\n" + _("Track it: %(url)s") % {"url": shipment.tracking_url}
    return line


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
