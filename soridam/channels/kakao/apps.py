from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KakaoConfig(AppConfig):
    """KakaoTalk's own table (the skill calls and how each was answered); its transport is registered by the
    channels app (``soridam.channels.apps``), like every channel's."""

    name = "soridam.channels.kakao"
    label = "kakao"
    verbose_name = _("KakaoTalk")
