"""The new text of a reply: quoted history and signature removed (for display; the full text is kept).

Each way a mail client marks its quote is a named rule below, readable on its own; ``RULE_NAMES`` lists
them and ``extract_reply(text, disabled=...)`` switches any of them off (the tests prove each one matters).

- ``separator_line``: ``-----Original Message-----``, ``-----원본 메일-----``, ``--- 원본 메시지 ---`` and their
  translations, with any number of dashes, underscores or spaces (Outlook, Naver, Daum, Kakao, Nate, Thunderbird).
- ``header_block``: Outlook's ``From: / Sent: / To: / Subject:`` block, also ``보낸 사람: / 보낸 날짜: / 받는 사람: /
  제목:`` and the German, French, Spanish, Russian, Japanese and Chinese labels, with or without the rule above it.
- ``english_attribution``: ``On … wrote:`` (Gmail, Apple Mail, Thunderbird), wrapped over up to three lines, or
  at the end of a one-line reply.
- ``gmail_korean_attribution``: ``2026년 11월 22일 (일) 오후 3:04, 이름 <a@b.kr>님이 작성:`` wrapped or not, and Apple
  Mail's ``2024. 1. 2. 오후 3:04, 이름 <a@b.kr> 작성:``.
- ``thunderbird_korean_attribution``: ``2026. 11. 22. 오후 3:04에 이름 이(가) 쓴 글:``.
- ``foreign_attribution``: Russian ``… пользователь … написал:``, German ``Am … schrieb …:``, French ``Le … a
  écrit :``, Spanish ``El … escribió:``, Portuguese, Italian, Dutch, Polish, Chinese ``… 於 … 寫道：`` and
  Japanese ``…のメッセージ:``, and an address followed by a colon (old Gmail, Gmail in Russian).
- ``bottom_posting``: when nothing stands above an attribution, the reply is below the quote (or between
  its lines): the attribution and the ``>`` lines go, the rest stays.
- ``mobile_signature`` and ``signature_delimiter``: ``Sent from my iPhone``, ``삼성 갤럭시 스마트폰에서
  보냈습니다.``, ``Android용 Outlook 받기``…, and the ``-- `` line (see signatures.py).
- ``corporate_signature``: a business signature block at the end (see signatures.py).
- ``forwarded_kept``: a forwarded message (``---------- Forwarded message ---------``, ``전달된 메시지``) is kept,
  whole. It is not history of this conversation: the customer chose to send it to us, it is usually what the
  case is about (a courier's notice, an invoice), and an agent who may not open the original would lose it.
  Only the customer's note above it is cleaned of quotes and signatures.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate

from soridam.channels.email import signatures

_QUOTED = re.compile(r"^\s*>")
_MAX_MARKER_LINE = 400  # attribution and separator lines are short; longer lines are never tested
_MARKER_ENDS = (":", "：", "작성")
_RULE_START = frozenset("-—–─━=_*~")
_LABEL = re.compile(r"^\*?[^\s:：*]{1,12}(?:\s[^\s:：*]{1,12})?\*?\s*[:：]")
_DELIMITERS = frozenset(("--", "—", "__"))

# ---------------------------------------------------------------------------------------------- separators
_RULE_CHARS = r"[-—–─━=_*~]"
_SEPARATOR = re.compile(
    rf"^{_RULE_CHARS}{{2,}}\s*(?:original\s+message|original\s+e-?mail|원본\s*(?:메일|메시지|메세지)|원래\s*메시지"
    r"|ursprüngliche\s+nachricht|message\s+d'origine|mensaje\s+original|mensagem\s+original|messaggio\s+originale"
    r"|oorspronkelijk\s+bericht|исходное\s+сообщение|оригинальное\s+сообщение|元のメッセージ|原始邮件|原始郵件"
    rf"|原始信件|reply\s+above\s+this\s+line|이\s*줄\s*위에\s*답장.{{0,20}})\s*(?:{_RULE_CHARS}{{2,}})?\s*$",
    re.IGNORECASE,
)
_FORWARD = re.compile(
    rf"^{_RULE_CHARS}{{2,}}\s*(?:forwarded\s+message|begin\s+forwarded\s+message|전달된\s*메(?:시|세)지|전달\s*메(?:시|세)지"
    rf"|전달된\s*메일|weitergeleitete\s+nachricht|message\s+transféré|mensaje\s+reenviado|пересланное\s+сообщение"
    rf"|転送されたメッセージ|转发的邮件|轉寄的郵件)\s*:?\s*(?:{_RULE_CHARS}{{2,}})?\s*$"
    r"|^(?:begin\s+forwarded\s+message|전달된\s*메(?:시|세)지\s*시작)\s*:\s*$",
    re.IGNORECASE,
)

# -------------------------------------------------------------------------------------------- header blocks
_FROM_KEYS = r"(?:from|보낸\s*사람|보낸이|발신자|발신인|von|de|от|від|差出人|送信者|发件人|寄件者|da|van|od)"
_OTHER_KEYS = (
    r"(?:sent|date|to|cc|subject|보낸\s*날짜|날짜|받는\s*사람|받는이|수신자|수신인|참조|제목|gesendet|datum|an|betreff"
    r"|envoyé|à|objet|enviado|fecha|para|asunto|отправлено|дата|кому|тема|送信日時|日時|宛先|件名|日付|发送时间|时间"
    r"|收件人|主题|日期|寄件日期|收件者|主旨|inviato|oggetto|verzonden|onderwerp|aan)"
)
_FROM_LINE = re.compile(rf"^\*?{_FROM_KEYS}\*?\s*[:：]\s*\S", re.IGNORECASE)
_HEADER_LINE = re.compile(rf"^\*?{_OTHER_KEYS}\*?\s*[:：]", re.IGNORECASE)
_OUTLOOK_RULE = re.compile(r"^_{10,}\s*$")


# ------------------------------------------------------------------------------------------- attributions
# An attribution is tested as (how its first line starts, how the joined lines end, what it must contain).
# The end is searched for, anchored at "$", so a long line costs one pass (no nested unbounded repeats).
@dataclass(frozen=True)
class _Form:
    start: re.Pattern[str]
    end: re.Pattern[str]
    needs: re.Pattern[str] | None = None

    def fits(self, text: str) -> bool:
        found = self.start.match(text) and self.end.search(text)
        return bool(found) and (self.needs is None or self.needs.search(text) is not None)


def _form(start: str, end: str, needs: str | None = r"[@\d]") -> _Form:
    return _Form(re.compile(start, re.I), re.compile(end, re.I), re.compile(needs, re.I) if needs else None)


_ANY = r"^"
_DATED = re.compile(r"^\D{0,12}\d")  # a wrapped attribution of any form opens with its date ("ok" above one does not)
_KO_DATE = r"^\d{4}\s*(?:년|\.|-|/)\s*\d{1,2}\s*(?:월|\.|-|/)\s*\d{1,2}\s*(?:일|\.)?"
_ENGLISH = (_form(r"^on\s", r"\swrote\s*:$"), _form(_ANY, r"\S\s+wrote\s*:$"))
_ENGLISH_INLINE = re.compile(
    r"\s(?=on\s+(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|\d))", re.I
)
_GMAIL_KOREAN = (_form(_KO_DATE, r"작성\s*:$"), _form(_ANY, r"님이\s*작성\s*:?$"))
_GMAIL_KOREAN_INLINE = re.compile(r"(?<=[.!?~)])\s*(?=\d{4}\s*년\s*\d{1,2}\s*월)")
_THUNDERBIRD_KOREAN = (_form(_KO_DATE, r"쓴\s*글\s*:$"),)
_FOREIGN = (
    _form(_ANY, r"\bнаписал[аи]?\s*:$", r"пользовател|[@\d]"),  # Yandex, Mail.ru
    _form(r"^am\s", r"\bschrieb\b.{0,200}:$"),  # German
    _form(r"^le\s", r"\sa\s+écrit\s*:$"),  # French
    _form(r"^el\s", r"\sescribió\s*:$"),  # Spanish
    _form(r"^em\s", r"\sescreveu\s*:$"),  # Portuguese
    _form(r"^il\s", r"\sha\s+scritto\s*:$"),  # Italian
    _form(r"^op\s", r"\sschreef\b.{0,200}:$"),  # Dutch
    _form(r"^w\s+dniu\s", r"\snapisał(?:\(a\)|a)?\s*:$"),  # Polish
    _form(_ANY, r"(?:寫道|写道)\s*[:：]$", r"[於于]"),  # Chinese
    _form(_ANY, r"のメッセージ\s*[:：]$", None),  # Japanese (Apple Mail)
    _form(_ANY, r"書きました\s*[:：]$"),  # Japanese (Thunderbird, Gmail)
    _form(_ANY, r"<[^<>\s@]+@[^<>\s]+>\s*[:：]$", r"\d"),  # "2026-11-22 15:04 GMT+09:00 이름 <a@b>:", Gmail (ru)
)


@dataclass(frozen=True)
class Marker:
    """Where quoted history starts: how many lines the marker takes, and text before it on its first line."""

    span: int
    attribution: bool  # an attribution introduces ">" lines; a separator introduces the unquoted original
    prefix: str = ""


Rule = Callable[[Sequence[str], int], Marker | None]


def separator_line(lines: Sequence[str], index: int) -> Marker | None:
    return Marker(1, attribution=False) if _SEPARATOR.match(lines[index]) else None


def header_block(lines: Sequence[str], index: int) -> Marker | None:
    """A From line followed by two other header lines, or by one when it holds an address.

    A sentence that starts "From:" is followed by none.
    """
    first = index + 1 if _OUTLOOK_RULE.match(lines[index]) else index
    if first >= len(lines) or not _FROM_LINE.match(lines[first]):
        return None
    headers = sum(1 for line in lines[first + 1 : first + 7] if _HEADER_LINE.match(line))
    return Marker(1, attribution=False) if headers >= 2 or (headers and "@" in lines[first]) else None


def english_attribution(lines: Sequence[str], index: int) -> Marker | None:
    return _inline(lines, index, _ENGLISH_INLINE, _ENGLISH) or _attribution(lines, index, _ENGLISH)


def gmail_korean_attribution(lines: Sequence[str], index: int) -> Marker | None:
    return _inline(lines, index, _GMAIL_KOREAN_INLINE, _GMAIL_KOREAN) or _attribution(lines, index, _GMAIL_KOREAN)


def thunderbird_korean_attribution(lines: Sequence[str], index: int) -> Marker | None:
    return _attribution(lines, index, _THUNDERBIRD_KOREAN)


def foreign_attribution(lines: Sequence[str], index: int) -> Marker | None:
    return _attribution(lines, index, _FOREIGN)


HISTORY_RULES: dict[str, Rule] = {
    "separator_line": separator_line,
    "header_block": header_block,
    "english_attribution": english_attribution,
    "gmail_korean_attribution": gmail_korean_attribution,
    "thunderbird_korean_attribution": thunderbird_korean_attribution,
    "foreign_attribution": foreign_attribution,
}
OTHER_RULES = ("bottom_posting", "mobile_signature", "signature_delimiter", "corporate_signature", "forwarded_kept")
RULE_NAMES = (*HISTORY_RULES, *OTHER_RULES)


def extract_reply(text: str, *, disabled: frozenset[str] = frozenset()) -> str:
    """The text above the quoted history and the signature; the whole text if nothing would remain.

    ``disabled`` names rules (``RULE_NAMES``) to leave out, for the tests that prove each rule matters.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    kept, forward = _reply_lines(text, lines, disabled)
    reply = "\n".join(kept).strip()
    forwarded = "\n".join(line.rstrip() for line in lines[forward:]).strip()
    return "\n\n".join(part for part in (reply, forwarded) if part) or text.strip()


def _reply_lines(text: str, lines: list[str], disabled: frozenset[str]) -> tuple[list[str], int]:
    """The reply's own lines, and where a forwarded message starts (``len(lines)`` when there is none)."""
    stripped = [line.strip() for line in lines]
    hints = _Hints(stripped)
    kept: list[str] = []
    index, in_signature = 0, False
    while index < len(lines):
        marker = None
        if index in hints.markers:
            if _FORWARD.match(stripped[index]):
                if "forwarded_kept" in disabled:
                    break  # the old reading: a forward is history like any other
                return _without_signature(kept, disabled), index
            marker = _history_marker(stripped, index, disabled)
        if marker is not None:
            if marker.prefix:
                kept.append(marker.prefix)
            if in_signature or not (marker.attribution and "bottom_posting" not in disabled and not any(kept)):
                break
            index += marker.span  # bottom-posted or inline reply: drop the attribution, keep what is not quoted
            continue
        # Below a signature only a forwarded message may still follow ("FYI / Sent from my iPhone / --- Forwarded").
        if index in hints.signatures:
            in_signature = in_signature or _starts_signature(stripped[index], disabled)
        if not in_signature and not stripped[index].startswith(">"):
            kept.append(lines[index].rstrip())
        index += 1
    return _without_signature(kept, disabled), len(lines)


def _without_signature(kept: list[str], disabled: frozenset[str]) -> list[str]:
    return kept if "corporate_signature" in disabled else signatures.strip_corporate_block(kept)


class _Hints:
    """The numbers of the lines worth testing against the rules, found with plain string operations.

    A body of 200 KB has thousands of lines; testing every rule on each would take far longer than the
    few milliseconds this takes. A marker starts with a rule character or a "Label:", or ends like an
    attribution on its own line or one of the next two (wrapped); a signature line holds a footer word or
    is a delimiter.
    """

    def __init__(self, stripped: list[str]) -> None:
        ends = [line.endswith(_MARKER_ENDS) for line in stripped]
        self.markers = {
            index
            for index, line in enumerate(stripped)
            if line
            and len(line) <= _MAX_MARKER_LINE
            and (
                line[0] in _RULE_START
                or any(ends[index : index + 3])
                or ((":" in line[:30] or "：" in line[:30]) and _LABEL.match(line) is not None)
            )
        }
        self.signatures = {index for index, line in enumerate(stripped) if line in _DELIMITERS}
        starts = list(accumulate((len(line) + 1 for line in stripped), initial=0))
        lowered = "\n".join(stripped).lower()
        for word in signatures.FOOTER_WORDS:
            found = lowered.find(word)
            while found != -1:
                self.signatures.add(bisect_right(starts, found) - 1)
                found = lowered.find(word, found + 1)


def _history_marker(lines: Sequence[str], index: int, disabled: frozenset[str]) -> Marker | None:
    if not lines[index] or len(lines[index]) > _MAX_MARKER_LINE:
        return None
    for name, rule in HISTORY_RULES.items():
        if name not in disabled:
            marker = rule(lines, index)
            if marker is not None:
                return marker
    return None


def _starts_signature(line: str, disabled: frozenset[str]) -> bool:
    if "mobile_signature" not in disabled and signatures.is_mobile_footer(line):
        return True
    return "signature_delimiter" not in disabled and signatures.is_delimiter(line)


def _attribution(lines: Sequence[str], index: int, forms: Sequence[_Form]) -> Marker | None:
    """An attribution on this line, or wrapped by the client over up to three lines with no blank between."""
    joined = ""
    for offset in range(3):
        if index + offset >= len(lines) or not lines[index + offset]:
            return None
        joined = f"{joined} {lines[index + offset]}".strip()
        if len(joined) > _MAX_MARKER_LINE:
            return None
        wrapped = forms if offset == 0 or _DATED.match(lines[index]) else [f for f in forms if f.start.pattern != _ANY]
        if joined.endswith(_MARKER_ENDS) and any(form.fits(joined) for form in wrapped):
            return Marker(offset + 1, attribution=True)
    return None


def _inline(lines: Sequence[str], index: int, split: re.Pattern[str], forms: Sequence[_Form]) -> Marker | None:
    """A short reply and the attribution on one line ("Yes please. On Nov 22, 2026, … wrote:"), then a quote."""
    line = lines[index]
    if not line.endswith((":", "：")) or not _quote_follows(lines, index + 1):
        return None
    for found in split.finditer(line):
        reply, attribution = line[: found.start()].strip(), line[found.end() :].strip()
        if reply and any(form.fits(attribution) for form in forms[:1]):
            return Marker(1, attribution=True, prefix=reply)
    return None


def _quote_follows(lines: Sequence[str], start: int) -> bool:
    rest = [line for line in lines[start : start + 3] if line]
    return bool(rest) and _QUOTED.match(rest[0]) is not None
