"""What the customer's newest message asks of the bot, read from Kiwi morphemes and a few patterns.

Each detector is general (word classes, not the development set's phrases): a request for a person is a
person word and a contact word in a wish or request form, not negated; a staff-only action is a request
verb aimed at something only staff can change, on the customer's own order or account. Safety incidents and
legal threats reuse triage's evidence cues (soridam/triage/cues.py): one list for each rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from soridam.lib.kiwi import get_kiwi
from soridam.triage import cues, lexicon

# Someone who is not the bot.
PERSON_WORDS = frozenset(
    {"상담원", "상담사", "사람", "직원", "매니저", "담당자", "인간", "상담자", "관리자", "사람분", "직원분"}
)
# Reaching that someone.
CONTACT_WORDS = frozenset({"연결", "통화", "얘기", "이야기", "대화", "바꾸", "전화", "상담", "채팅", "chat", "call"})
# A wish or a request: 싶다, 원하다, 부탁, 요청, 주세요, ㄱㄱ, 할래요.
WISH_FORMS = frozenset({"싶", "원하", "부탁", "요청", "주", "ㄱㄱ", "해줘", "달", "ᆯ래요", "ᆯ래", "래요"})
# A clause that says the opposite: "필요 없구요", "달라는 건 아니고요", "괜찮아요".
NEGATION_FORMS = frozenset({"없", "아니", "괜찮", "말", "안"})
BOT_WORDS = frozenset({"챗봇", "봇", "bot", "chatbot", "자동응답", "기계"})
BOT_REFUSAL = frozenset({"말", "ㄴㄴ", "싫", "아니"})
PAST_ENDINGS = ("었", "았", "였", "ᆻ")

ENGLISH_PERSON = re.compile(
    r"\b(real|live|actual|human)\s+(person|human|agent|people|one)\b|"
    r"\b(talk|speak|chat|connect|transfer)\w*\s+(me\s+)?(to|with)\s+(an?\s+|the\s+|your\s+)?"
    r"(real\s+|live\s+|human\s+)?(person|human|agent|someone|representative|rep|staff|operator|manager)\b|"
    r"\b(agent|human|operator|representative)\s*,?\s*please\b|\bnot\s+a\s+bot\b|\bcall\s+me\b",
    re.IGNORECASE,
)
ENGLISH_NEGATION = re.compile(r"\b(don't|do not|no)\s+need\b|\bnot\s+asking\b", re.IGNORECASE)
CALL_ME = re.compile(r"(전화|통화)\s*(좀\s*)?(주세요|주실|주시|줘|해\s*주|부탁|하고\s*싶|원해|원합)")

# Abuse: insults and swearing, in full and in the short forms of chat.
ABUSE = (
    "ㅅㅂ",
    "ㅆㅂ",
    "시발",
    "씨발",
    "씨바",
    "시바",
    "존나",
    "졸라",
    "ㅈㄴ",
    "개같",
    "개새",
    "병신",
    "ㅂㅅ",
    "미친놈",
    "미친년",
    "미쳤냐",
    "꺼져",
    "닥쳐",
    "때려치",
    "fuck",
    "shit",
    "bullshit",
    "idiot",
    "stupid bot",
    "useless bot",
)
# Anger at the help itself (not at a parcel): after the bot has answered, these ask for a person.
ANGER = (
    "장난해",
    "장난하",
    "장난치",
    "똑같은 소리",
    "같은 소리",
    "몇 번을",
    "몇번을",
    "말이 안 통",
    "말귀",
    "뭐하는",
    "!!!",
    "??!",
    "열받",
    "화가 나",
    "화나",
    "어이가 없",
    "are you kidding",
    "ridiculous",
    "unacceptable",
)
# The answer missed the question: "그거 말고요", "물어본 게 아니고", "딴소리".
MISSED = (
    "그거 말고",
    "그게 아니",
    "그런 거 말고",
    "물어본 게 아니",
    "물어본 건데",
    "묻는 게 아니",
    "여쭌 게 아니",
    "딴소리",
    "엉뚱한",
    "같은 얘기",
    "같은 말",
    "똑같은 소리",
    "not what i asked",
    "that's not my question",
    "doesn't answer",
    "didn't answer",
)
REPEATED = ("두 번째", "두번째", "또 ", "또다시", "again", "second time")
# Beyond what policy allows: an exception, compensation, restoring what expired.
BEYOND_POLICY = (
    "이번만",
    "이번 한 번만",
    "예외",
    "봐주",
    "보상",
    "배상",
    "복구해",
    "되살려",
    "살려 주",
    "살려주",
    "just this once",
    "exception",
    "compensat",
)
# Verbs that ask staff to do something to an order or account (not to explain how).
STAFF_VERBS = (
    "확인해",
    "확인 좀",
    "확인좀",
    "확인 부탁",
    "취소해",
    "취소 처리",
    "처리해",
    "처리 좀",
    "변경 요청",
    "변경해",
    "바꿔 주",
    "바꿔주",
    "고쳐 주",
    "고쳐주",
    "수정해",
    "환불해",
    "복구해",
    "추가 부탁",
    "추가해",
    "넣어 주",
    "넣어주",
    "지워 주",
    "지워주",
    "삭제해",
    "풀어 주",
    "풀어주",
    "본인 확인",
    "please check",
    "please cancel",
    "please change",
    "please refund",
    "please update",
)
# The customer's own account: checking who they are is always about their account.
OWN_ACCOUNT = ("제 계정", "내 계정", "본인 확인", "본인확인", "본인 인증", "my account", "verify my identity")
# The customer's own order, parcel or account is named: an order number, a tracking number, a phone number.
ORDER_NUMBER = re.compile(r"\b[A-Z]{2}\d{8,}\b|주문\s*번호|운송장\s*\d|\b\d{10,14}\b|01\d[- ]?\d{3,4}[- ]?\d{4}")
STUCK = re.compile(r"(이틀|사흘|나흘|닷새|\d+\s*일)\s*째|(며칠|일주일)\s*(째|이나|넘게|지났)|\d+\s*영업일\s*째")
NOT_MOVING = (
    "그대로",
    "움직",
    "안움직",
    "멈춰",
    "안 와",
    "안와",
    "안 왔",
    "준비중",
    "준비 중",
    "안 풀려",
    "안 들어",
    "안 되",
    "not moved",
    "hasn't moved",
    "still",
)
THANKS = (
    "감사",
    "고맙",
    "고마워",
    "해결됐",
    "해결되었",
    "해결했",
    "이해했",
    "알겠습니다",
    "알겠어요",
    "ㄱㅅ",
    "ㄳ",
    "ㅇㅋ",
    "thank",
    "thanks",
    "got it",
    "solved",
)
GREETINGS = ("안녕하세요", "안녕", "하이", "hello", "hi", "hey", "반가워")
STATUS_WORDS = (
    "문의 어떻게",
    "문의한 거",
    "문의 진행",
    "접수 번호",
    "접수번호",
    "문의 번호",
    "케이스",
    "처리 상황",
    "진행 상황",
    "진행상황",
    "처리 현황",
    "case status",
    "my case",
    "my ticket",
    "ticket status",
)
CASE_REFERENCE = re.compile(r"\bC-\d{4}-\d{1,9}\b", re.IGNORECASE)


@dataclass(frozen=True)
class Token:
    form: str
    tag: str


@lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[Token, ...]:
    return tuple(Token(token.form.lower(), token.tag) for token in get_kiwi().tokenize(text))


def _clauses(text: str) -> list[tuple[Token, ...]]:
    """The message split at sentence ends and at the connective endings that start a new point (-는데, -고요)."""
    current: list[Token] = []
    clauses: list[tuple[Token, ...]] = []
    for token in tokens(text):
        current.append(token)
        if token.tag in ("SF", "EF") or (token.tag == "EC" and token.form in ("는데", "ᆫ데", "고요", "구요")):
            clauses.append(tuple(current))
            current = []
    if current:
        clauses.append(tuple(current))
    return clauses


def _asks_person_in(clause: tuple[Token, ...]) -> bool:
    forms = [token.form for token in clause]
    has_person = any(form in PERSON_WORDS or form.endswith(("상담원", "직원")) for form in forms)
    has_contact = any(form in CONTACT_WORDS for form in forms)
    refuses_bot = any(form in BOT_WORDS for form in forms) and any(form in BOT_REFUSAL for form in forms)
    if not (has_person and has_contact) and not refuses_bot:
        return False
    if any(form in NEGATION_FORMS for form in forms) and not refuses_bot:
        return False
    if any(token.tag == "EP" and token.form.startswith(PAST_ENDINGS) for token in clause):
        return False  # "상담원 연결 눌렀는데": it happened, it is not asked now
    wishes = any(form in WISH_FORMS or form.endswith(("래요", "ᆯ래")) for form in forms)
    short = sum(1 for token in clause if token.tag.startswith(("N", "V", "SL"))) <= 3
    return wishes or short or refuses_bot


def asks_for_person(text: str) -> bool:
    """An explicit request for a person, in any wording: 상담원 연결, 사람이랑 얘기할래요, agent please."""
    lowered = text.lower()
    if ENGLISH_PERSON.search(lowered) and not ENGLISH_NEGATION.search(lowered):
        return True
    if CALL_ME.search(text):
        return True
    content = [token for token in tokens(text) if token.tag.startswith(("N", "V", "SL"))]
    if 0 < len(content) <= 2 and any(token.form in PERSON_WORDS | {"agent", "human"} for token in content):
        return True  # the whole message is "상담원" or "agent (please)"
    return any(_asks_person_in(clause) for clause in _clauses(text))


def _has(text: str, words: tuple[str, ...]) -> bool:
    return lexicon.hits(text.lower(), words) > 0


def is_safety_incident(text: str) -> bool:
    return _has(text, cues.SAFETY)


def is_legal_threat(text: str) -> bool:
    return _has(text, cues.LEGAL)


def is_abusive(text: str) -> bool:
    return _has(text, ABUSE)


def is_angry_at_help(text: str) -> bool:
    return _has(text, ANGER)


def says_answer_missed(text: str) -> bool:
    return _has(text, MISSED)


def says_repeated(text: str) -> bool:
    return _has(text, REPEATED)


def is_beyond_policy(text: str) -> bool:
    return _has(text, BEYOND_POLICY)


def asks_staff_action(text: str) -> bool:
    """A request that only staff can carry out, on a specific order or account: a staff verb together with
    the customer's own order (a number, "받은", "주문한") or a problem that has lasted for days."""
    if not _has(text, STAFF_VERBS):
        return False
    own = bool(ORDER_NUMBER.search(text)) or _has(text, cues.OWN_ORDER) or _has(text, OWN_ACCOUNT)
    return own or bool(STUCK.search(text))


def is_stuck_for_days(text: str) -> bool:
    """An order, parcel or payment that has not moved for days: staff must ask the carrier or the card
    company ("사흘째 같은 터미널에 있어요", "5일째 발송 준비중")."""
    return bool(STUCK.search(text)) and _has(text, NOT_MOVING)


def is_thanks(text: str) -> bool:
    """A closing turn: thanks or "solved", with no new question in it."""
    return _has(text, THANKS) and "?" not in text and not _has(text, ("인데", "근데", "그런데", "but "))


def is_greeting_only(text: str) -> bool:
    words = re.sub(r"[^\w\s]", " ", text.lower()).split()
    return bool(words) and len(words) <= 3 and any(word.startswith(GREETINGS) for word in words)


def asks_case_status(text: str) -> bool:
    return bool(CASE_REFERENCE.search(text)) or _has(text, STATUS_WORDS)


# Where is my order: its delivery, its status, its parcel (R-BOT-4). Questions about how to look it up, or
# about an order not yet placed ("주문하면 언제 와요?"), are the help centre's: HOW_TO and HYPOTHETICAL.
ORDER_STATUS_WORDS = (
    "배송 조회",
    "배송조회",
    "주문 조회",
    "주문조회",
    "배송 언제",
    "택배 언제",
    "택배 어디",
    "주문 어디",
    "배송 상태",
    "배송상태",
    "주문 상태",
    "주문상태",
    "배송 현황",
    "where is my order",
    "where's my order",
    "where is my package",
    "where is my parcel",
    "track my order",
    "tracking",
    "order status",
    "delivery status",
    "shipping status",
    "has my order shipped",
    "when will my order",
)
# "When does it come" is about an order only with a parcel word, and not about a return's pickup or a refund.
WHEN_ARRIVES = ("언제 와", "언제 오", "언제 도착", "언제쯤 와", "언제쯤 오", "언제쯤 도착", "when will", "arrive")
PARCEL_WORDS = (
    "배송",
    "택배",
    "주문한",
    "주문했",
    "시킨",
    "시켰",
    "소포",
    "my order",
    "my package",
    "my parcel",
    "my delivery",
)
RETURN_WORDS = ("회수", "반품", "교환", "환불", "pickup", "pick up", "refund", "return")
HOW_TO = (
    "어떻게",
    "어케",
    "어디서",
    "어디에서",
    "어디 들어가",
    "방법",
    "보려면",
    "하려면",
    "how do i",
    "how can i",
    "how to",
    "where can i",
)
HYPOTHETICAL = ("주문하면", "결제하면", "시키면", "보통", "if i order", "if i pay", "usually")
# An order number as shops print it: 20261201-0000012 (Cafe24), HJ26092810452, #1001 (Shopify), or a long
# run of digits (Naver Commerce); a Korean mobile number (010-1234-5678, +82 10-1234-5678, +821012345678) is a
# phone instead.
ORDER_NUMBER_CANDIDATE = re.compile(r"#?\b[A-Za-z]{0,4}\d[\d-]{3,30}\d\b|#\d{3,}")
MOBILE_PHONE = re.compile(r"(82)?0?1[016789]\d{7,8}")


def asks_order_status(text: str) -> bool:
    """Where the customer's own order is: 배송 언제 와요, 주문 조회, 택배 어디쯤, where is my order."""
    asks = _has(text, ORDER_STATUS_WORDS) or (
        _has(text, WHEN_ARRIVES)
        and (_has(text, PARCEL_WORDS) or bool(order_number_candidates(text)))
        and not _has(text, RETURN_WORDS)
    )
    return asks and not _has(text, HOW_TO) and not _has(text, HYPOTHETICAL)


def order_number_candidates(text: str) -> tuple[str, ...]:
    """Every token that could be an order number, first mention first, each once."""
    found = (match.group(0) for match in ORDER_NUMBER_CANDIDATE.finditer(text))
    return tuple(dict.fromkeys(number for number in found if not MOBILE_PHONE.fullmatch(number.replace("-", ""))))
