"""Signatures at the end of a reply: mobile "sent from" footers, the ``-- `` delimiter, corporate blocks.

Conservative by design: a signature is cut only when every line of it looks like a signature line, so an
order or phone number written in a sentence of the customer's own text is never lost. Each detector is a
named rule (see ``quotes.RULE_NAMES``) that the reply-extraction tests switch off one at a time.
"""

from __future__ import annotations

import re

# A whole line that a mail app adds under the text: "Sent from my iPhone", "삼성 갤럭시 스마트폰에서 보냈습니다.",
# "Get Outlook for iOS", "Android용 Outlook 받기", the Naver/Daum/Kakao mail app footers and their translations.
_DEVICE = (
    r"(?:my\s+)?(?:i(?:phone|pad)|galaxy|samsung|android|mobile|smartphone|phone|blackberry|huawei|xiaomi"
    r"|outlook|mail|yahoo|aol|gmail|naver|daum|kakao|nate|네이버|다음|카카오|네이트|갤럭시|삼성|스마트폰|휴대폰|핸드폰"
    r"|안드로이드|모바일|아이폰|아이패드|태블릿|앱|메일)"
)
_MOBILE_FOOTERS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"^(?:sent|envoyé|enviado|inviato|verzonden)\s+(?:from|de|desde|da|met|via)\s+[^,.!?]{{0,40}}{_DEVICE}[\w\s+]{{0,24}}\.?$",
        rf"^von\s+.{{0,40}}{_DEVICE}.{{0,30}}gesendet\.?$",
        rf"^отправлено\s+(?:с|из|через)\s+[^!?]{{0,40}}(?:{_DEVICE}|мобильн|айфон|андроид|почт|яндекс)[^!?]{{0,30}}$",
        # Korean: the line is only device, brand and app words before "에서 보냄" ("영수증은 메일로 보냈습니다." is
        # a sentence, "나의 iPhone에서 보냄" and "네이버 메일 앱에서 보냈습니다." are footers).
        rf"^(?:(?:나의|내|my)\s*)?(?:{_DEVICE}(?:\s*의)?\s*|[a-z0-9+]{{1,12}}(?:\s+|(?=에서))){{1,6}}에서\s*(?:보냄|보냈습니다|발송됨|전송됨)\.?$",
        r"^(?:get|download)\s+outlook\s+for\s+(?:ios|android|mac|windows)\.?$",
        r"^(?:ios|android|안드로이드)\s*용\s*outlook\s*(?:받기|다운로드)\.?$",
        rf"^[^.?!]{{0,30}}{_DEVICE}\s*から送信\.?$",
        rf"^(?:发自|發自|来自|來自)(?:我的)?\s*[^，。！？,.!?]{{0,20}}(?:{_DEVICE}|手机|手機|邮箱|郵箱)[\w\s]{{0,12}}$",
        r"^보낸\s*곳\s*:.{0,60}$",  # a Korean mobile client's "sent with" line
    )
]
_DELIMITER = re.compile(r"^(?:--|—|__)\s*$")


# Every footer holds one of these (lower case); only lines that do are tested against the patterns.
FOOTER_WORDS = (
    "sent", "envoy", "enviado", "inviato", "verzonden", "gesendet", "отправлено", "outlook",
    "보냄", "보냈습니다", "보낸 곳", "보낸곳", "발송", "전송됨", "작성", "送信", "发自", "發自", "来自", "來自",
)  # fmt: skip


def is_mobile_footer(line: str) -> bool:
    """A whole line that only a mail app writes; ``line`` is stripped."""
    if len(line) > 80 or not any(word in line.lower() for word in FOOTER_WORDS):
        return False
    return any(pattern.match(line) for pattern in _MOBILE_FOOTERS)


def is_delimiter(line: str) -> bool:
    """RFC 3676 §4.3 ``-- `` (and the forms mail apps and people actually type) above a signature."""
    return _DELIMITER.match(line) is not None


# Corporate blocks: "김민지 대리 | 구매팀 | (주)한빛상사", "Tel. 02-123-4567 / Fax. 02-123-4568", an address.
_PHONE = r"\+?\d[\d\s().-]{6,18}\d"
_CONTACT = re.compile(
    r"^(?:t|tel|phone|p|m|mob|mobile|cell|hp|h\.p|f|fax|direct|office|e|e-?mail|w|web|전화|전화번호|휴대폰|휴대전화"
    r"|핸드폰|팩스|직통|대표전화|사무실|이메일|메일|홈페이지)\s*[.:)]?\s*(?:"
    + _PHONE
    + r"|\S+@\S+|(?:https?://|www\.)\S+)",
    re.IGNORECASE,
)
_TITLES = (
    r"(?:사원|주임|대리|과장|차장|부장|팀장|실장|본부장|이사|상무|전무|대표|매니저|책임|선임|수석|연구원"
    r"|(?i:\b(?:manager|director|ceo|cto|cfo|coo|engineer|specialist|team lead|head of \w+|officer|associate|buyer"
    r"|coordinator|consultant)\b))"
)
_COMPANY = re.compile(
    r"\(주\)|㈜|주식회사|유한회사|\b(?:co\.,?\s*ltd|ltd|inc|corp|gmbh|llc|plc|k\.k)\b\.?"
    r"|(?:^|\s)[가-힣]{1,10}(?:팀|본부|센터|사업부|그룹)(?:$|\s)|\b(?:team|dept|department|division)\b",
    re.IGNORECASE,
)
_ADDRESS = re.compile(
    r"^(?:주소\s*[.:]?\s*)?[가-힣]+(?:특별시|광역시|특별자치시|특별자치도|도|시)\s+[가-힣]+[시군구]\s+.{0,80}\d"
    r"|^(?:address|addr)\s*[.:]",
    re.IGNORECASE,
)
_NAME = re.compile(rf"^(?:[가-힣]{{2,4}}(?:\s*{_TITLES})?(?:\s*드림)?|[A-Z][a-z]+(?:\s+[A-Z][a-z]+){{1,2}},?)$")
_EMAIL_OR_WEB = re.compile(r"^(?:\S+@\S+\.\w+|(?:https?://|www\.)\S+)$", re.IGNORECASE)
_BARE_PHONE = re.compile(rf"^{_PHONE}$")
_FIELDS = re.compile(r"\s+[|/·]\s+|\s*\|\s*")
_DIVIDER = re.compile(r"^[-=_*~]{2,}$")
_SENTENCE_END = re.compile(r"(?:[요다까죠네]|니까)[.!?~]*$|[?!]$")
_MAX_BLOCK = 8


def _is_contact(line: str) -> bool:
    """A phone, fax, e-mail, web or address line."""
    return any(pattern.match(line) for pattern in (_CONTACT, _ADDRESS, _EMAIL_OR_WEB, _BARE_PHONE))


def _is_identity(line: str) -> bool:
    """Who writes, as only a business signature puts it: a company, a team, a job title, name | team | company."""
    if len(line) > 80 or _is_contact(line):
        return False
    if _COMPANY.search(line) or (len(line) <= 40 and re.search(_TITLES, line)):
        return True
    fields = [field.strip() for field in _FIELDS.split(line) if field.strip()]
    return len(fields) >= 2 and all(len(field) <= 30 for field in fields)


def _is_signature_line(line: str) -> bool:
    """A line that may stand in a signature block; a sentence never does."""
    if len(line) > 100 or _SENTENCE_END.search(line):
        return False
    return _is_contact(line) or _is_identity(line) or bool(_NAME.match(line) or _DIVIDER.match(line))


def strip_corporate_block(lines: list[str]) -> list[str]:
    """``lines`` without the business signature at their end, when the end is one.

    The block is the run of lines from the end that all look like signature lines (blank lines allowed),
    at most eight; it is cut only when it holds a line naming a company, team or title and a contact line
    (phone, fax, e-mail, web, address). A customer's own name, phone and address at the end, or a small
    table, are content and stay. Some text must stay above the block.
    """
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    start, found = end, 0
    while start and found < _MAX_BLOCK:
        line = lines[start - 1].strip()
        if line and not _is_signature_line(line):
            break
        start -= 1
        found += bool(line)
    block = [line.strip() for line in lines[start:end] if line.strip()]
    if not (any(map(_is_identity, block)) and any(map(_is_contact, block))):
        return lines
    if not any(line.strip() for line in lines[:start]):
        return lines
    return lines[:start]
