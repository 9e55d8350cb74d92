"""Replies as Korean and international mail clients write them, each with the text an agent should see.

Written for these tests (names, addresses and numbers are made up), modelled on the layout each client
produces. ``SAMPLES`` maps a rule of ``quotes.RULE_NAMES`` to messages that need that rule: with the rule
switched off, every one of them comes back different (test_quotes.py checks both directions).
"""

from __future__ import annotations

Sample = tuple[str, str, str]  # (what it is, the whole text, the reply an agent should see)

SEPARATOR_LINE: list[Sample] = [
    (
        "Daum: 원본 메일 with two header lines",
        "주소를 서울 마포구로 바꿔 주세요.\n\n-----원본 메일-----\n보낸사람: 하루장터 <help@shop.test>\n"
        "받는사람: 박서연 <seoyeon.p@daum.net>\n\n주문하신 상품이 내일 출발합니다.",
        "주소를 서울 마포구로 바꿔 주세요.",
    ),
    (
        "Kakao: 원본 메시지 with spaced dashes, the original text right under it",
        "영수증 다시 보내 주실 수 있나요?\n\n--------- 원본 메시지 ---------\n"
        "안녕하세요 고객님, 결제가 완료되었습니다.\n"
        "감사합니다.",
        "영수증 다시 보내 주실 수 있나요?",
    ),
    (
        "Nate: Original Message with eight dashes each side",
        "반품 접수했어요.\n확인 부탁드려요.\n\n-------- Original Message --------\n"
        "Subject: [하루장터] 반품 안내\n\n반품은 14일 이내에 가능합니다.",
        "반품 접수했어요.\n확인 부탁드려요.",
    ),
    (
        "a misspelt 원본 메세지 with uneven dashes and no space",
        "네 그렇게 해 주세요\n\n---원본메세지------\n쿠폰은 중복 적용되지 않습니다.",
        "네 그렇게 해 주세요",
    ),
    (
        "German Outlook separator",
        "Danke, das passt so.\n\n-----Ursprüngliche Nachricht-----\nVon: Soridam <help@shop.test>\n\nHallo,",
        "Danke, das passt so.",
    ),
    (
        "Russian separator drawn with em dashes",
        "Спасибо, жду.\n\n———— Исходное сообщение ————\nЗдравствуйте! Ваш заказ отправлен.",
        "Спасибо, жду.",
    ),
]

HEADER_BLOCK: list[Sample] = [
    (
        "Outlook (en): header block, no separator",
        "Please cancel the second item.\n\nFrom: Haru Market Support <help@shop.test>\n"
        "Sent: Sunday, November 22, 2026 3:04 PM\nTo: Daniel Cho <d.cho@example.com>\nSubject: Your order",
        "Please cancel the second item.",
    ),
    (
        "Outlook (ko): the rule line and 보낸 사람 / 보낸 날짜 / 받는 사람 / 제목",
        "사진 첨부합니다.\n\n________________________________\n보낸 사람: 하루장터 고객센터 <help@shop.test>\n"
        "보낸 날짜: 2026년 11월 22일 일요일 오후 3:04\n받는 사람: 이준호 <junho.lee@example.kr>\n"
        "제목: 불량 접수 안내",
        "사진 첨부합니다.",
    ),
    (
        "Outlook mobile (ko): 보낸 사람 block without a rule line",
        "알겠습니다. 기다릴게요\n\n보낸 사람: 하루장터 <help@shop.test>\n날짜: 2026년 11월 22일 (일) 15:04\n"
        "받는 사람: jiwoo.han@example.kr\n제목: RE: 배송 지연",
        "알겠습니다. 기다릴게요",
    ),
    (
        "Outlook (de): Von / Gesendet / An / Betreff",
        "Bitte stornieren.\n\nVon: Haru Market <help@shop.test>\nGesendet: Sonntag, 22. November 2026 15:04\n"
        "An: Lena Vogt <lena.vogt@example.de>\nBetreff: Bestellung",
        "Bitte stornieren.",
    ),
    (
        "Outlook web: bolded labels",
        "Got it, thanks.\n\n*From:* Haru Market <help@shop.test>\n*Sent:* Sunday, November 22, 2026 3:04 PM\n"
        "*To:* ana.ruiz@example.es\n*Subject:* Refund",
        "Got it, thanks.",
    ),
]

ENGLISH_ATTRIBUTION: list[Sample] = [
    (
        "Gmail: On … wrote: wrapped over three lines",
        "Thanks, that works.\n\nOn Sun, Nov 22, 2026 at 3:04 PM Haru Market Customer Care\n"
        "Delivery Team <help@shop.test>\n"
        "wrote:\n\n> Your parcel left today.",
        "Thanks, that works.",
    ),
    (
        "Gmail: a one-word reply right above On … wrote:",
        "ok\nOn Sun, Nov 22, 2026 at 3:04 PM <help@shop.test> wrote:\n> Shall we refund it?",
        "ok",
    ),
    (
        "iOS Mail: the short reply and the attribution on one line",
        "Yes please. On Nov 22, 2026, at 15:04, Haru Market <help@shop.test> wrote:\n> Shall we send a new one?",
        "Yes please.",
    ),
    (
        "Apple Mail: On … at …, name wrote:",
        "Received, thank you!\n\nOn 22 Nov 2026, at 15:04, Haru Market <help@shop.test> wrote:\n\n> We are sorry.",
        "Received, thank you!",
    ),
]

GMAIL_KOREAN_ATTRIBUTION: list[Sample] = [
    (
        "Gmail (ko) wrapped over two lines",
        "아직 송장번호가 안 나왔어요.\n\n2026년 11월 22일 (일) 오후 3:04, 하루장터 고객센터 <help@shop.test>님이\n"
        "작성:\n\n> 오늘 출고 예정입니다.",
        "아직 송장번호가 안 나왔어요.",
    ),
    (
        "Gmail (ko) wrapped over three lines",
        "네 확인했습니다.\n\n2026년 11월 22일 (일) 오후 3:04,\n하루장터 고객센터 배송팀\n"
        "<help@shop.test>님이 작성:\n> 교환 상품을 보내 드렸습니다.",
        "네 확인했습니다.",
    ),
    (
        "Gmail (ko) with the address wrapped in its angle brackets",
        "감사합니다!\n\n2026년 11월 22일 (일) 오전 9:15, 하루장터 <\nhelp@shop.test>님이 작성:\n> 환불되었습니다.",
        "감사합니다!",
    ),
    (
        "Apple Mail (ko): 2026. 11. 22. 오후 3:04, 이름 <주소> 작성:",
        "사이즈 교환 원해요\n\n2026. 11. 22. 오후 3:04, 하루장터 <help@shop.test> 작성:\n"
        "\n> 어떤 사이즈로 바꿔 드릴까요?",
        "사이즈 교환 원해요",
    ),
]

THUNDERBIRD_KOREAN_ATTRIBUTION: list[Sample] = [
    (
        "Thunderbird (ko), top-posted",
        "카드 취소 확인했어요.\n\n2026. 11. 22. 오후 3:04에 하루장터 고객센터 이(가) 쓴 글:\n> 취소 처리되었습니다.",
        "카드 취소 확인했어요.",
    ),
    (
        "Thunderbird (ko), wrapped over two lines",
        "내일 받을게요.\n\n2026. 11. 22. 오전 10:30에 하루장터 고객센터 배송 담당\n"
        "이(가) 쓴 글:\n> 언제 받으실 수 있나요?",
        "내일 받을게요.",
    ),
]

BOTTOM_POSTING: list[Sample] = [
    (
        "Thunderbird (ko), reply below the quote",
        "2026. 11. 22. 오후 3:04에 하루장터 고객센터 이(가) 쓴 글:\n> 새 주소를 알려 주세요.\n>\n> 감사합니다.\n\n"
        "경기도 성남시 분당구로 보내 주세요.",
        "경기도 성남시 분당구로 보내 주세요.",
    ),
    (
        "Gmail (en), answers between the quoted questions",
        "On Sun, Nov 22, 2026 at 3:04 PM Haru Market <help@shop.test> wrote:\n> Which colour?\nBlack.\n"
        "> Which size?\nM, please.",
        "Black.\nM, please.",
    ),
    (
        "Gmail (ko), reply below the quote",
        "2026년 11월 22일 (일) 오후 3:04, 하루장터 <help@shop.test>님이 작성:\n> 환불 계좌를 알려 주세요.\n\n"
        "신한은행으로 부탁드립니다.",
        "신한은행으로 부탁드립니다.",
    ),
]

FOREIGN_ATTRIBUTION: list[Sample] = [
    (
        "Yandex/Mail.ru (ru): пользователь … написал:",
        "Спасибо, получил.\n\n"
        "22.11.2026, 15:04, пользователь Haru Market <help@shop.test> написал:\n> Заказ отправлен.",
        "Спасибо, получил.",
    ),
    (
        "Gmail (de): Am … schrieb …:, wrapped",
        "Alles klar.\n\nAm So., 22. Nov. 2026 um 15:04 Uhr schrieb Haru Market\n"
        "<help@shop.test>:\n> Ihr Paket ist unterwegs.",
        "Alles klar.",
    ),
    (
        "Gmail (fr): Le … a écrit :",
        "Merci beaucoup.\n\nLe dim. 22 nov. 2026 à 15:04, Haru Market <help@shop.test> a écrit :\n"
        "> Remboursement effectué.",
        "Merci beaucoup.",
    ),
    (
        "Gmail (es): El … escribió:",
        "Perfecto, gracias.\n\nEl dom, 22 nov 2026 a las 15:04, Haru Market (<help@shop.test>)\nescribió:\n> Ya está.",
        "Perfecto, gracias.",
    ),
    (
        "Gmail (zh-TW): … 於 … 寫道：",
        "好的，謝謝。\n\nHaru Market <help@shop.test> 於 2026年11月22日 週日 下午3:04寫道：\n> 已經寄出。",
        "好的，謝謝。",
    ),
    (
        "Japanese client: …のメッセージ:",
        "承知しました。\n\n2026/11/22 15:04、Haru Market <help@shop.test>のメッセージ:\n> 発送しました。",
        "承知しました。",
    ),
    (
        "Gmail (ru): date, name and address followed by a colon",
        "Понял.\n\nвс, 22 нояб. 2026 г. в 15:04, Haru Market <help@shop.test>:\n> Возврат оформлен.",
        "Понял.",
    ),
]

MOBILE_SIGNATURE: list[Sample] = [
    ("Samsung Galaxy", "교환으로 진행해 주세요.\n\n삼성 갤럭시 스마트폰에서 보냈습니다.", "교환으로 진행해 주세요."),
    (
        "iPhone (ko) above a quote",
        "네\n\n나의 iPhone에서 보냄\n\n2026. 11. 22. 오후 3:04, 하루장터 <help@shop.test> 작성:\n> 진행할까요?",
        "네",
    ),
    ("iPhone (en)", "Please call me after 6.\n\nSent from my iPhone", "Please call me after 6."),
    ("Outlook for Android (ko)", "주문 취소합니다.\n\nAndroid용 Outlook 받기", "주문 취소합니다."),
    ("Outlook for iOS (en)", "Refund received.\n\nGet Outlook for iOS", "Refund received."),
    ("Naver mail app", "입금했습니다.\n\n네이버 메일 앱에서 보냈습니다.", "입금했습니다."),
    ("Daum mail app", "언제 와요?\n\nDaum 메일 앱에서 보냄", "언제 와요?"),
    ("German iPhone", "Danke!\n\nVon meinem iPhone gesendet", "Danke!"),
    ("Yandex mobile (ru)", "Спасибо!\n\nОтправлено из мобильной Яндекс.Почты", "Спасибо!"),
    ("iPhone (zh)", "好的\n\n发自我的iPhone", "好的"),
    ("Spanish Android", "Gracias.\n\nEnviado desde mi Galaxy", "Gracias."),
]

SIGNATURE_DELIMITER: list[Sample] = [
    ("personal signature under -- ", "네 알겠습니다.\n\n-- \n김민지 드림\n010-0000-0000", "네 알겠습니다."),
    (
        "delimiter typed without the trailing space",
        "Please ship to the office.\n--\nDaniel\nSeoul",
        "Please ship to the office.",
    ),
]

CORPORATE_SIGNATURE: list[Sample] = [
    (
        "name | team | company, phone lines and an address",
        "세금계산서 발행 부탁드립니다.\n\n감사합니다.\n\n정다은 대리 | 구매팀 | (주)한빛상사\n"
        "Tel. 02-555-0123 | Mobile. 010-4821-7730\n서울특별시 중구 세종대로 110, 7층",
        "세금계산서 발행 부탁드립니다.\n\n감사합니다.",
    ),
    (
        "English business signature",
        "Could you send the invoice again?\n\nBest regards,\n"
        "Minji Park\nPurchasing Manager | Hanbit Trading Co., Ltd.\n"
        "T +82 2 555 0123 | M +82 10 4821 7730\nwww.hanbit.example",
        "Could you send the invoice again?\n\nBest regards,",
    ),
    (
        "title on the name line, phone and fax on their own lines",
        "대량 주문 견적 요청드립니다.\n\n오세훈 과장\n㈜누리유통 영업본부\n전화: 031-777-1234\n팩스: 031-777-1235\n"
        "sehoon.oh@nuri.example",
        "대량 주문 견적 요청드립니다.",
    ),
]

FORWARDED_KEPT: list[Sample] = [
    (
        "Gmail forward with a note: the forwarded notice is the case",
        "이 문자 받았는데 사기인가요?\n\n---------- Forwarded message ---------\n"
        "보낸사람: 택배알림 <noti@courier.test>\n"
        "Date: 2026년 11월 22일 (일) 오후 3:04\nSubject: 배송 보류 안내\nTo: <minji@example.kr>\n\n"
        "주소 불명으로 보류되었습니다. 아래 링크에서 확인하세요.",
        "이 문자 받았는데 사기인가요?\n\n---------- Forwarded message ---------\n"
        "보낸사람: 택배알림 <noti@courier.test>\n"
        "Date: 2026년 11월 22일 (일) 오후 3:04\nSubject: 배송 보류 안내\nTo: <minji@example.kr>\n\n"
        "주소 불명으로 보류되었습니다. 아래 링크에서 확인하세요.",
    ),
    (
        "a note signed from an iPhone, then Apple Mail's forward",
        "FYI\n\nSent from my iPhone\n\nBegin forwarded message:\n\nFrom: Courier <noti@courier.test>\n"
        "Subject: Delivery failed\n\nWe could not deliver parcel 6012-3345-9912.",
        "FYI\n\nBegin forwarded message:\n\nFrom: Courier <noti@courier.test>\nSubject: Delivery failed\n\n"
        "We could not deliver parcel 6012-3345-9912.",
    ),
]

SAMPLES: dict[str, list[Sample]] = {
    "separator_line": SEPARATOR_LINE,
    "header_block": HEADER_BLOCK,
    "english_attribution": ENGLISH_ATTRIBUTION,
    "gmail_korean_attribution": GMAIL_KOREAN_ATTRIBUTION,
    "thunderbird_korean_attribution": THUNDERBIRD_KOREAN_ATTRIBUTION,
    "bottom_posting": BOTTOM_POSTING,
    "foreign_attribution": FOREIGN_ATTRIBUTION,
    "mobile_signature": MOBILE_SIGNATURE,
    "signature_delimiter": SIGNATURE_DELIMITER,
    "corporate_signature": CORPORATE_SIGNATURE,
    "forwarded_kept": FORWARDED_KEPT,
}

# The customer's own content that no rule may cut (order and phone numbers in sentences, their own details).
CONTENT: list[Sample] = [
    (
        "order and phone numbers inside sentences",
        "주문번호 HJ20261122-0042 상품이 아직 안 왔어요.\n010-2345-6789로 연락 주세요.",
        "주문번호 HJ20261122-0042 상품이 아직 안 왔어요.\n010-2345-6789로 연락 주세요.",
    ),
    (
        "the customer's new delivery details at the end",
        "배송지 변경 부탁드립니다.\n\n받는 분: 김민지\n전화: 010-2345-6789\n주소: 서울특별시 강남구 테헤란로 123",
        "배송지 변경 부탁드립니다.\n\n받는 분: 김민지\n전화: 010-2345-6789\n주소: 서울특별시 강남구 테헤란로 123",
    ),
    (
        "the customer's name and phone under the text",
        "환불 언제 되나요?\n\n김민지\n010-2345-6789",
        "환불 언제 되나요?\n\n김민지\n010-2345-6789",
    ),
    (
        "a small table of items at the end",
        "아래 상품 교환 원합니다.\n\n셔츠 | M | 2개\n바지 | L | 1개\n주문 2026-1234567",
        "아래 상품 교환 원합니다.\n\n셔츠 | M | 2개\n바지 | L | 1개\n주문 2026-1234567",
    ),
    (
        "the phone the mail was written on, in a sentence",
        "iPhone에서 보냈는데 첨부가 안 갔나요?\nSent from my iPhone, the photo may be small.",
        "iPhone에서 보냈는데 첨부가 안 갔나요?\nSent from my iPhone, the photo may be small.",
    ),
    (
        "sentences about sending something by mail or app",
        "반품 신청서 작성했어요.\n영수증은 메일로 보냈습니다.\n주문 취소 요청은 앱에서 보냈습니다.",
        "반품 신청서 작성했어요.\n영수증은 메일로 보냈습니다.\n주문 취소 요청은 앱에서 보냈습니다.",
    ),
    (
        "Russian and Chinese sentences that open like a footer",
        "Отправлено с опозданием на неделю.\n来自上海的包裹还没到",
        "Отправлено с опозданием на неделю.\n来自上海的包裹还没到",
    ),
    (
        "a sentence that starts with On and ends with wrote:",
        "On the return form I wrote:\nwrong size, please exchange.",
        "On the return form I wrote:\nwrong size, please exchange.",
    ),
    (
        "From: in prose",
        "From: the warehouse, they said it ships Monday.\nThanks",
        "From: the warehouse, they said it ships Monday.\nThanks",
    ),
    (
        "a date at the start of a line that is not an attribution",
        "2026. 11. 22. 오후 3:04에 주문했는데 아직 준비 중이에요.\n확인 부탁드려요.",
        "2026. 11. 22. 오후 3:04에 주문했는데 아직 준비 중이에요.\n확인 부탁드려요.",
    ),
]
