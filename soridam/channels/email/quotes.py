"""The new text of a reply: quoted history and signature removed (for display; the full text is kept).

Knows the separators of Gmail (en/ko), Outlook (en/ko), Apple Mail, Naver Mail and Daum/Kakao Mail.
"""

from __future__ import annotations

import re

# A line that starts the quoted history; everything from it on is dropped.
_HISTORY_STARTS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^-{2,}\s*(original message|원본 메시지|forwarded message|전달된 메시지|전달 메시지)\s*-{2,}",
        r"^_{10,}\s*$",  # Outlook's rule above its From: block
        r"^(from|보낸 사람|보낸사람)\s*:\s*.+",  # Outlook / Naver / Daum header block
        r"^on .{4,200}\bwrote:\s*$",  # Gmail / Apple Mail (en)
        r"^(?=.*[@\d]).{0,300}(님이 작성\s*:?|작성\s*:|wrote\s*:)\s*$",  # Gmail-ko, Apple-ko, Naver, Daum
        # "2026년 11월 22일 (일) 오후 3:04, ... 작성:" and "2024. 1. 2. 오후 3:04, ... 작성:"
        r"^\d{4}[.년]\s*\d{1,2}[.월]\s*\d{1,2}[.일]?.{0,200}(작성|wrote)",
        r"^-{3,}\s*(reply above this line|이 줄 위에 답장)",
    )
]
_SIGNATURE = re.compile(r"^(--|-- |—|__)\s*$|^(sent from my|iphone에서 보냄|galaxy에서 보냄|보낸 곳:)", re.IGNORECASE)
_QUOTED = re.compile(r"^\s*>")


def extract_reply(text: str) -> str:
    """The text above the quoted history and the signature; the whole text if nothing would remain."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        if _starts_history(stripped, lines, index) or _SIGNATURE.match(stripped):
            break
        if _QUOTED.match(line):
            continue
        kept.append(line.rstrip())
    reply = "\n".join(kept).strip()
    return reply or text.strip()


def _starts_history(line: str, lines: list[str], index: int) -> bool:
    if not line:
        return False
    if line.lower().startswith(("from:", "보낸 사람:", "보낸사람:")):
        # A header block only when the next lines look like one (Sent:/To:/Subject:/받는 사람:/제목:).
        following = " ".join(item.strip().lower() for item in lines[index + 1 : index + 5])
        return any(key in following for key in ("sent:", "to:", "subject:", "date:", "받는 사람:", "제목:", "날짜:"))
    if line.lower().startswith("on ") and not line.rstrip().endswith("wrote:"):
        # Gmail wraps a long "On ... wrote:" over two lines.
        joined = line + " " + (lines[index + 1].strip() if index + 1 < len(lines) else "")
        return bool(re.match(r"^on .{4,300}\bwrote:\s*$", joined, re.IGNORECASE)) and _quote_follows(lines, index + 2)
    return any(pattern.match(line) for pattern in _HISTORY_STARTS)


def _quote_follows(lines: list[str], start: int) -> bool:
    rest = [item for item in lines[start : start + 3] if item.strip()]
    return bool(rest) and _QUOTED.match(rest[0]) is not None
