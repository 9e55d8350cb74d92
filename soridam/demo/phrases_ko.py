"""Korean phrase pools for synthetic benchmark cases (composer.py puts them together).

Slots: {name} the customer, {order} an order number, {date} the order date, {days} days waited, {amount} won,
{product} / {product_ga} / {product_eul} / {product_eun} a product with its particle, {garment} (with _ga/_eul/_eun) a piece of
clothing, {size}, {colour}, {courier}, {count}, {time}. Written for this project; nothing here
is copied from a data set.
"""

# Sentences stay one per line, however long, so the pools read like the texts they make.
# ruff: noqa: E501

from __future__ import annotations

from soridam.demo.scenarios_ko import ASKS as ASKS
from soridam.demo.scenarios_ko import SCENARIOS as SCENARIOS

SURNAMES = (
    "김",
    "이",
    "박",
    "최",
    "정",
    "강",
    "조",
    "윤",
    "장",
    "임",
    "한",
    "오",
    "서",
    "신",
    "권",
    "황",
    "안",
    "송",
    "류",
    "홍",
)
GIVEN_NAMES = (
    "민지",
    "서연",
    "지훈",
    "도윤",
    "하은",
    "준호",
    "수빈",
    "예린",
    "현우",
    "지민",
    "영수",
    "미경",
    "성호",
    "유진",
    "태희",
    "다은",
)
BRANDS = ("소리", "하루", "모아", "누리", "담백", "포레", "라온", "새벽", "온결", "바른", "한빛", "두잇")
# Devices break down, smoke and need charging; goods are everything else a shop sells.
DEVICES = (
    "무선 청소기",
    "전기포트",
    "에어프라이어",
    "블루투스 이어폰",
    "스마트워치",
    "보조배터리",
    "가습기",
    "전기요",
    "키보드",
    "모니터",
)
GOODS = (
    "원목 책상",
    "사무용 의자",
    "수납장",
    "암막 커튼",
    "견과 선물세트",
    "유기농 쌀 10kg",
    "냉동 만두",
    "한우 세트",
    "수분 크림",
    "선크림",
    "샴푸 세트",
    "프라이팬",
    "텀블러",
    "캠핑 의자",
    "유아 카시트",
    "강아지 사료",
)
MODELS = ("", "", "", " 2세대", " 플러스", " 미니", " 프로", " S9", " 1.7L", " 라이트", " 2025", " 대용량")
GARMENTS = (
    "린넨 셔츠",
    "패딩 점퍼",
    "니트 카디건",
    "와이드 슬랙스",
    "맨투맨",
    "청바지",
    "운동화",
    "원피스",
    "트렌치코트",
    "후드티",
)
COLOURS = ("블랙", "화이트", "네이비", "베이지", "그레이", "카키", "아이보리", "연청", "버건디", "차콜")
SIZES = ("S", "M", "L", "XL", "55", "66", "95", "100", "105", "240", "250", "265", "FREE")
COURIERS = ("CJ대한통운", "한진택배", "롯데택배", "우체국택배", "로젠택배", "쿠팡 로켓배송", "경동택배", "편의점 택배")
TIMES = ("오전 9시", "오전 11시", "오후 1시", "오후 2시", "오후 3시 반", "오후 6시", "저녁 8시", "밤 10시")

GREETINGS = (
    "안녕하세요.",
    "안녕하세요",
    "안녕하세요~",
    "안녕하세요, 고객센터죠?",
    "수고 많으십니다.",
    "수고하십니다.",
    "문의드립니다.",
    "문의 좀 드릴게요.",
    "저기요,",
    "급하게 문의드려요.",
    "",
    "",
)
INTROS = (
    "{name}입니다.",
    "{date}에 주문한 사람입니다. 주문자 {name}입니다.",
    "{name} 고객입니다.",
    "자주 이용하는 고객인데요.",
    "처음 주문해 봤는데요.",
    "어머니 대신 문의드립니다.",
    "",
    "",
    "",
)
ORDER_MENTIONS = (
    "주문번호는 {order}입니다.",
    "주문번호 {order}",
    "(주문번호: {order})",
    "주문번호 {order} 건이에요.",
    "{order} 주문 건입니다.",
    "주문 번호 {order} 확인해 주세요.",
)
CLOSINGS = (
    "빠른 확인 부탁드립니다.",
    "답변 기다리겠습니다.",
    "오늘 중으로 연락 부탁드려요.",
    "확인 후 연락 주세요. 감사합니다.",
    "연락 기다릴게요.",
    "감사합니다.",
    "부탁드립니다.",
    "빠른 답변 부탁드려요!",
    "처리 결과 문자로 알려 주세요.",
    "전화는 {time} 이후에 받을 수 있어요.",
    "",
    "",
)
FEELINGS = (
    "너무 답답하네요.",
    "정말 실망스럽습니다.",
    "이런 일이 처음이라 당황스럽네요.",
    "기분이 좋지 않습니다.",
    "솔직히 화가 납니다.",
    "선물용이라 더 속상해요.",
    "",
)
# Priority signals the labelling rules look for: a second contact makes it high, a third or a legal
# threat urgent, a deadline within two days high.
SECOND_CONTACT = (
    "벌써 두 번째 문의입니다.",
    "어제도 문의 남겼는데 답이 없어서 다시 씁니다.",
    "지난번에 문의했는데 아직 해결이 안 됐어요.",
)
THIRD_CONTACT = (
    "이번이 세 번째 문의입니다. 계속 기다리라고만 하시네요.",
    "벌써 세 번이나 연락드렸는데 아직도 해결이 안 됐습니다.",
    "세 번째 연락입니다. 이번에도 답이 없으면 가만있지 않겠습니다.",
)
LEGAL_THREATS = (
    "해결이 안 되면 한국소비자원에 신고하겠습니다.",
    "계속 이러시면 공정거래위원회에 민원 넣겠습니다.",
    "내용증명 보낼 생각입니다.",
    "변호사와 상담 중입니다. 법적으로 대응하겠습니다.",
)
DEADLINES = (
    "모레가 행사라 그 전에 꼭 받아야 해요.",
    "내일 출국이라 오늘 안에 처리되어야 합니다.",
    "이번 주말 전에 해결이 꼭 필요합니다.",
)

SPAM_SUBJECTS = ("[광고] 블로그 상위노출 보장", "무료 쿠폰 당첨 안내", "[광고] 리뷰 대행 문의", "사업자 대출 한도 조회")
SPAM_BODIES = (
    "검색 상위노출 월 {amount}원! 지금 연락 주세요.",
    "축하합니다! {name}님, 아래 링크에서 {amount}원 쿠폰을 받으세요.",
    "리뷰 {count}00건 대행해 드립니다. 상담은 카톡으로.",
    "사장님 정부지원 대출 {count}억까지 가능합니다.",
)

# Slips a real customer makes: (as written properly, as typed).
TYPOS = (
    ("했는데", "했는대"),
    ("됐", "됬"),
    ("주세요", "주세여"),
    ("안 돼요", "안돼요"),
    ("않", "안"),
    ("어떻게", "어떡해"),
    ("배송 조회", "배송조회"),
    ("부탁드립니다", "부탁 드립니다"),
    ("할 수", "할수"),
    ("있어요", "있어용"),
    (" 주문", "주문"),
    ("습니다.", "습니다"),
)
TAILS = ("ㅠㅠ", "ㅠ", "..", "!!", "??", " ㅜㅜ", "...")
