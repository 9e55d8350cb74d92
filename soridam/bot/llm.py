"""The optional OpenAI-compatible LLM (R-BOT-7): it rewrites an answer from retrieved passages only, citing them.

Off unless ``SORIDAM_BOT_LLM_URL`` is set and an admin accepted the transfer notice for that very address
(R-SEC-13). Personal data in the question is masked before it leaves (privacy.pii). The LLM gets numbered
passages and must cite them as [n]; a reply that cites none of them, any HTTP or JSON error and a timeout
all return None, and the engine answers by retrieval instead.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass

import structlog
from django.conf import settings

from soridam.privacy.pii import mask

from .models import LlmTransferAcceptance

log = structlog.get_logger(__name__)
CITATION = re.compile(r"\[(\d{1,2})\]")
MAX_ANSWER_CHARS = 1200
INSTRUCTIONS = {
    "ko": "당신은 쇼핑몰 고객센터 챗봇입니다. 아래 번호 붙은 도움말 발췌에 있는 내용만으로 한국어로 짧게 답하세요. "
    "사용한 발췌의 번호를 [1]처럼 꼭 표시하세요. "
    "발췌에 없는 내용은 쓰지 말고, 답할 수 없으면 '모르겠습니다'라고만 쓰세요.",
    "en": "You are a shop's help-centre assistant. Answer briefly in English using only the numbered passages "
    "below. Cite every passage you use as [1]. Write nothing that is not in them; if they do not answer, "
    "write only 'I don't know'.",
}


@dataclass(frozen=True)
class Passage:
    article_id: int
    text: str


@dataclass(frozen=True)
class Written:
    text: str
    cited: tuple[int, ...]  # article ids, in the order of the passages


def enabled() -> bool:
    url = settings.SORIDAM_BOT_LLM_URL
    return bool(url) and LlmTransferAcceptance.objects.filter(endpoint=url).exists()


def write(question: str, passages: list[Passage], language: str) -> Written | None:
    """The LLM's answer from `passages`, or None (off, failed, too slow, or citing nothing it was given)."""
    if not passages or not enabled():
        return None
    numbered = "\n".join(f"[{n}] {passage.text}" for n, passage in enumerate(passages, 1))
    body = {
        "model": settings.SORIDAM_BOT_LLM_MODEL,
        "temperature": 0,
        "messages": [
            {"role": "system", "content": f"{INSTRUCTIONS.get(language, INSTRUCTIONS['en'])}\n\n{numbered}"},
            {"role": "user", "content": mask(question)},
        ],
    }
    content = _complete(body)
    if content is None:
        return None
    cited = sorted({int(n) for n in CITATION.findall(content) if 1 <= int(n) <= len(passages)})
    if not cited:
        log.info("bot_llm_uncited")
        return None
    return Written(content.strip()[:MAX_ANSWER_CHARS], tuple(passages[n - 1].article_id for n in cited))


def _endpoint() -> str:
    base = settings.SORIDAM_BOT_LLM_URL.rstrip("/")
    return base + ("/chat/completions" if base.endswith("/v1") else "/v1/chat/completions")


def _complete(body: dict[str, object]) -> str | None:
    headers = {"Content-Type": "application/json"}
    if settings.SORIDAM_BOT_LLM_KEY:
        headers["Authorization"] = f"Bearer {settings.SORIDAM_BOT_LLM_KEY}"
    request = urllib.request.Request(  # noqa: S310 (an admin-set http(s) address, accepted in the admin)
        _endpoint(), data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.SORIDAM_BOT_LLM_TIMEOUT_MS / 1000) as response:  # noqa: S310
            payload = json.loads(response.read())
        content = payload["choices"][0]["message"]["content"]
    except (OSError, ValueError, KeyError, IndexError, TypeError) as error:  # timeouts are OSError
        log.warning("bot_llm_failed", error=type(error).__name__)
        return None
    return content if isinstance(content, str) else None
