"""A second set of client replies, written once and measured, not tuned against: the exact-match check.

Written after the rules (names, addresses and numbers made up), in the layouts of the clients the issue
names and a few more, mixing classes in one message the way real replies do. ``python -m
soridam.channels.email.tests.heldout_replies`` prints the exact-match rate; test_quotes.py holds it at 95 %.
"""

from __future__ import annotations

HELDOUT: list[tuple[str, str]] = [
    (
        '택배사에 물어보니 주소가 틀렸대요.\n\n-----원본 메일-----\n보낸사람: "하루장터" <help@shop.test>\n'
        "받는사람: <yuna.k@hanmail.net>\n날짜: 26.11.22 15:04 GMT +0900\n제목: [하루장터] 출고 안내\n\n출고되었습니다.",
        "택배사에 물어보니 주소가 틀렸대요.",
    ),
    (
        "취소해 주세요\n\n------ 원본 메일 ------\n출고되었습니다.",
        "취소해 주세요",
    ),
    (
        "환불 계좌 보내드려요. 국민은행입니다.\n\n------------------ 원본 메시지 ------------------\n"
        "From: 하루장터 <help@shop.test>\nDate: 2026-11-22 (일) 15:04:00\nTo: sj.park@nate.com\nSubject: 환불 안내",
        "환불 계좌 보내드려요. 국민은행입니다.",
    ),
    (
        "The box was crushed, photos attached.\n\n-------- Original message --------\n"
        "From: Haru Market <help@shop.test>\nDate: 11/22/26 15:04 (GMT+09:00)\nTo: tom.lee@example.com\n"
        "Subject: Re: damaged item",
        "The box was crushed, photos attached.",
    ),
    (
        "주문 번호는 HJ20261120-0077 입니다.\n\n"
        "2026년 11월 22일 (일) 오후 3:04, 하루장터 고객센터 <help@shop.test>님이 작성:\n"
        "> 주문 번호를 알려 주세요.",
        "주문 번호는 HJ20261120-0077 입니다.",
    ),
    (
        "배송비는 제가 낼게요.\n\n2026년 11월 22일 (일) 오후 3:04, 하루장터 고객센터 환불 교환 담당\n"
        "<help@shop.test>님이 작성:\n\n> 왕복 배송비 7,000원이 듭니다.\n>",
        "배송비는 제가 낼게요.",
    ),
    (
        "ㅇㅋ 감사해요\n\n2026년 11월 22일 일요일, 하루장터 <help@shop.test>님이 작성:\n\n> 처리 완료되었습니다.",
        "ㅇㅋ 감사해요",
    ),
    (
        "사진 다시 첨부했습니다.\n\n2026. 11. 22. 오후 3:04에 하루장터 이(가) 쓴 글:\n> 사진이 보이지 않습니다.",
        "사진 다시 첨부했습니다.",
    ),
    (
        "2026. 11. 22. 오후 3:04에 하루장터 고객센터 이(가) 쓴 글:\n> 교환 사이즈를 알려 주세요.\n\n"
        "260으로 부탁드려요.\n\n-- \n최유나",
        "260으로 부탁드려요.",
    ),
    (
        "On Sun, Nov 22, 2026 at 3:04 PM Haru Market <help@shop.test> wrote:\n"
        "\n> Do you want a refund or a new one?\n\n"
        "A new one, please.\n\nSent from my iPhone",
        "A new one, please.",
    ),
    (
        "입금 완료했습니다.\n\n삼성 갤럭시 스마트폰에서 보냈습니다.\n\n-------- 원본 메시지 --------\n"
        "발신: 하루장터 <help@shop.test>\n입금 기한은 48시간입니다.",
        "입금 완료했습니다.",
    ),
    ("네\n\niPhone에서 보냄", "네"),
    ("That's fine.\n\nSent from my Galaxy", "That's fine."),
    ("영수증 주세요\n\nAndroid용 Outlook 받기\n", "영수증 주세요"),
    (
        "Please resend the link.\n\nGet Outlook for Android\n________________________________\n"
        "From: Haru Market <help@shop.test>\nSent: Sunday, November 22, 2026 3:04:00 PM\nTo: kim.j@example.com\n"
        "Subject: Your link",
        "Please resend the link.",
    ),
    (
        "견적서 검토 후 회신드리겠습니다.\n\n윤서준 차장\n(주)다온물산 구매팀\nT. 02-6677-1200 / M. 010-3321-9087\n"
        "서울특별시 영등포구 여의대로 24",
        "견적서 검토 후 회신드리겠습니다.",
    ),
    (
        "Thanks for the quick reply.\n\nKind regards,\n\nDaniel Moore | Operations Manager | Brightline Ltd.\n"
        "Tel +44 20 7946 0321\ndaniel.moore@brightline.example",
        "Thanks for the quick reply.\n\nKind regards,",
    ),
    (
        "Хорошо, спасибо.\n\nвс, 22 нояб. 2026 г., 15:04 пользователь Haru Market <help@shop.test>\nнаписал:\n\n"
        "> Ваш возврат принят.",
        "Хорошо, спасибо.",
    ),
    (
        "Vielen Dank!\n\nAm 22.11.2026 um 15:04 schrieb Haru Market <help@shop.test>:\n> Die Ware ist unterwegs.",
        "Vielen Dank!",
    ),
    (
        "D'accord.\n\nLe 22/11/2026 à 15:04, Haru Market a écrit :\n> Nous avons remboursé.",
        "D'accord.",
    ),
    (
        "Muchas gracias.\n\nEl 22 nov 2026, a las 15:04, Haru Market <help@shop.test> escribió:\n\n> Enviado.",
        "Muchas gracias.",
    ),
    (
        "收到，謝謝\n\nHaru Market <help@shop.test> 於 2026年11月22日 週日 15:04 寫道：\n\n> 商品已寄出",
        "收到，謝謝",
    ),
    (
        "了解です。\n\n2026年11月22日(日) 15:04 Haru Market <help@shop.test>:\n\n> 返金しました。",
        "了解です。",
    ),
    (
        "ok thanks\nOn Sun, 22 Nov 2026 at 15:04, Haru Market <help@shop.test> wrote:\n> refunded",
        "ok thanks",
    ),
    (
        "Got it!\n\nOn Sunday, November 22, 2026, Haru Market Customer Care <\nhelp@shop.test> wrote:\n\n> Shipped.",
        "Got it!",
    ),
    (
        "다시 확인 부탁드립니다.\n\n보낸 사람: 하루장터 고객센터 <help@shop.test>\n"
        "보낸 날짜: 2026년 11월 22일 일요일 오후 3:04\n"
        "받는 사람: 한지우 <jiwoo.han@example.kr>\n제목: 회신: 교환 문의",
        "다시 확인 부탁드립니다.",
    ),
    (
        "Here is the courier's message.\n\n---------- Forwarded message ---------\nFrom: Courier <noti@courier.test>\n"
        "Date: Sun, Nov 22, 2026 at 3:04 PM\nSubject: Delivery failed\nTo: <tom.lee@example.com>\n\nNobody was home.",
        "Here is the courier's message.\n\n---------- Forwarded message ---------\nFrom: Courier <noti@courier.test>\n"
        "Date: Sun, Nov 22, 2026 at 3:04 PM\nSubject: Delivery failed\nTo: <tom.lee@example.com>\n\nNobody was home.",
    ),
    (
        "주문번호 HJ20261121-0310, 연락처 010-8123-4455입니다.\n빨리 처리해 주세요.",
        "주문번호 HJ20261121-0310, 연락처 010-8123-4455입니다.\n빨리 처리해 주세요.",
    ),
    (
        "새 주소입니다.\n\n받는 사람: 오하늘\n연락처: 010-5566-7788\n"
        "주소: 부산광역시 해운대구 센텀중앙로 55, 101동 1203호",
        "새 주소입니다.\n\n받는 사람: 오하늘\n연락처: 010-5566-7788\n"
        "주소: 부산광역시 해운대구 센텀중앙로 55, 101동 1203호",
    ),
    (
        "> 결제 수단을 알려 주세요\n카드요\n> 할부 개월 수는요?\n일시불이요",
        "카드요\n일시불이요",
    ),
]


def exact_match_rate() -> tuple[int, int]:
    from soridam.channels.email.quotes import extract_reply

    hits = sum(extract_reply(text) == expected for text, expected in HELDOUT)
    return hits, len(HELDOUT)


if __name__ == "__main__":
    hits, total = exact_match_rate()
    print(f"exact match: {hits}/{total} = {hits / total:.1%}")  # noqa: T201
