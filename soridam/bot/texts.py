"""Every sentence the bot says that is not quoted from an article: the templates, in ko and en (gettext).

The bot writes nothing else (R-BOT-1): an answer is a template around a passage of the article, with its link.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

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
}
