"""The channels a customer can reach us on: the one vocabulary every app uses for ``channel`` fields.

It lives apart from the channel framework (``base``, ``models``) and imports nothing of ours, so the
models of every app can use it without depending on the channels app's models.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    EMAIL = "email", _("E-mail")
    CHAT = "chat", _("Live chat")
    KAKAO = "kakao", _("KakaoTalk")
    LINE = "line", _("LINE")
    NAVER = "navertalk", _("Naver TalkTalk")
    TELEGRAM = "telegram", _("Telegram")
    WHATSAPP = "whatsapp", _("WhatsApp")
    MESSENGER = "messenger", _("Facebook Messenger")
    INSTAGRAM = "instagram", _("Instagram")
    SMS = "sms", _("SMS")
    PHONE = "phone", _("Phone")
    API = "api", _("API")
