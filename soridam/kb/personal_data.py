"""Personal data this app holds (``soridam.privacy.registry``): how to find a person's rows, keep and erase them."""

from __future__ import annotations

from soridam.privacy.registry import NotPersonal

NOT_PERSONAL = [
    NotPersonal("kb.ArticleUse", "which article an agent used on a case"),
]
