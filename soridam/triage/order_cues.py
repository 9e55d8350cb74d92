"""Cue words of an order that failed (the labelling guide's `high`): the item that came is faulty, short or
wrong, or the parcel is stuck. Matched like ``cues`` (substrings of lower-cased text). ``cues.ORDER_FAILED``, which
lets the model weigh `high`, is all of them; the rules ``arrived_faulty`` and ``order_stuck`` (``priority``) read
the groups on their own.
"""

from __future__ import annotations

import re

# The item itself: defective, damaged or spoiled ...
QUALITY_FAULT = (
    "파손",
    "깨져",
    "깨진",
    "찢어",
    "불량",
    "고장",
    "안 켜",
    "작동이 안",
    "작동 안",
    "상했",
    "썩",
    "곰팡이",
    "유통기한이 지",
    "유통기한 지난",
    "기한이 지난",
    "damaged",
    "broken",
    "defective",
    "spoiled",
    "expired",
    # How any shop's customers describe an item that came faulty without the words 불량/파손: what the part
    # does (새다, 헛돌다, 안 눌리다, 충전이 안 되다) and what it looks like (흠집, 얼룩, 멍, 물러지다, 늘어나다).
    "새 있",
    "새요",
    "샙니다",
    "새고",
    "누수",
    "헛돌",
    "안 눌",
    "눌리지 않",
    "멍들",
    "멍이",
    "물러",
    "늘어나",
    "늘어져",
    "흠집",
    "스크래치",
    "얼룩",
    "오염",
    "변색",
    "구멍",
    "뜯어져",
    "터져 있",
    "충전이 안",
    "불이 안 들어",
    "불이 들어오지",
    "전원이 안",
    "작동하지 않",
    "먹통",
    "scratch",
    "stain",
    "leak",
    "torn",
    "doesn't work",
    "not working",
)
# ... or not what was ordered: another item (the guide's exchange, precedence 3) ...
ANOTHER_ITEM = ("다른 상품", "잘못 왔", "다른 게 왔", "엉뚱한", "전혀 다른", "wrong item")
# ... or the wrong size, short, or sent to the wrong place. Neither is a quality problem (``precedence``).
NOT_AS_ORDERED = (
    *ANOTHER_ITEM,
    "오배송",
    "누락",
    "빠져 있",
    "missing",
    "모자라",
    "모자랍",
    "부족해",
    "부족합",
    "wrong size",
)
ITEM_FAULT = (*QUALITY_FAULT, *NOT_AS_ORDERED)
# The parcel: not come, lost, misdelivered or late.
DELIVERY_FAILED = (
    "잘못 배송",
    "빠졌",
    "안 왔",
    "안 와",
    "못 받",
    "분실",
    "사라졌",
    "멈춰",
    "그대로",
    "지연",
    "오지 않",
    "다른 집",
    "never arrived",
    "lost",
    "stuck",
)
# A parcel that has not moved for days, or shows delivered but never came: "past its expected date".
STUCK = (
    "며칠째",
    "일째",
    "사흘째",
    "나흘째",
    "닷새째",
    "주째",
    "배송완료인데",
    "배송 완료인데",
    "for days",
)
# The fault was found when the item came (opened, just received, from the start) ...
ARRIVAL = (
    "받았는데",
    "받았더니",
    "받아 보니",
    "받아보니",
    "받은 지",
    "오늘 받은",
    "어제 받은",
    "받자마자",
    "새로 받",
    "막 받",
    "열어 보니",
    "열어보니",
    "열어봤더니",
    "열어 봤더니",
    "열어 봤는데",
    "열어봤는데",
    "뜯어 보니",
    "뜯어보니",
    "개봉했더니",
    "개봉해 보니",
    "개봉하니",
    "처음부터",
    "도착했는데",
    "시켰는데",
    "주문했는데",
    "왔는데",
    "arrived",
    "when i opened",
    "out of the box",
    "just received",
    "i received",
)
# ... not after weeks of use, which is a repair (A/S, `normal` in the guide).
LONG_USE = (
    "개월",
    "년 전",
    "반년",
    "몇 달",
    "달 전",
    "주 동안",
    "동안 쓰",
    "동안 사용",
    "쓰다가",
    "쓰던",
    "사용하다",
    "사용 중",
    "빨았는데",
    "세탁 후",
    "세탁했더니",
    "보증",
    "a/s",
    "수리",
    "months",
    "after using",
    "warranty",
)
# "X를 시켰는데 Y가 왔어요": the item that came is named apart from the one ordered (the guide's "not what was
# ordered"), without any fault word. The object particle (or 만) before the verb names what was ordered; what
# came (group 1) is an item, not the parcel or a message about it (NOT_ITEMS).
WRONG_ITEM = re.compile(
    r"(?:을|를|만) (?:시켰|주문했|샀|구매했)는데[^.?!\n]{0,24}?([가-힣]+)[이가] (?:왔|도착했|들어 있|들어있)"
)
NOT_ITEMS = ("택배", "상자", "박스", "문자", "연락", "알림", "메일", "카톡", "전화", "답장", "답변", "안내", "기사")
# A deadline within about two days (the guide's `high`): today or tomorrow as the limit ("오늘 중으로",
# "내일까지", "by tomorrow") with what must happen by then asked for or needed. A limit alone ("오늘 발송되나요?")
# is a question, and urgency words ("급해요", "asap") are not a deadline.
DEADLINE = re.compile(
    r"(?:오늘 ?중으로|오늘 안에|오늘까지|내일 ?중으로|내일 안에|내일까지|모레까지|by tomorrow|by today|by tonight"
    r"|by the end of (?:the )?day)[^.?!\n]{0,30}?(?:주세요|주십시오|바랍니다|받아야|와야|필요|해야|please|need)"
)
