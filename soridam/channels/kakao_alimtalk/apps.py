from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlimTalkConfig(AppConfig):
    name = "soridam.channels.kakao_alimtalk"
    label = "kakao_alimtalk"
    verbose_name = _("KakaoTalk AlimTalk")
