"""Demo help-centre articles in Korean and English, for a shop that sells and delivers goods.

Written for Soridam's demo; seeded by ``seed_demo`` through ``kb.actions`` so they are versioned and indexed.
"""

from __future__ import annotations

from dataclasses import dataclass

from soridam.kb import actions
from soridam.kb.models import Article, Category, Visibility

CATEGORIES = [
    # slug, Korean name, English name, parent slug
    ("orders", "주문·배송", "Orders and delivery", ""),
    ("delivery", "배송", "Delivery", "orders"),
    ("returns", "반품·교환·환불", "Returns, exchanges and refunds", "orders"),
    ("payment", "결제", "Payment", ""),
    ("account", "계정", "Account", ""),
]


@dataclass(frozen=True)
class DemoArticle:
    category: str
    language: str
    title: str
    body: str
    visibility: str = Visibility.PUBLIC


ARTICLES = [
    DemoArticle(
        "delivery",
        "ko",
        "배송지 변경 방법",
        "상품이 **출고되기 전**이라면 배송지를 직접 바꿀 수 있습니다.\n\n"
        "1. 마이페이지 → **주문 내역**에서 해당 주문을 엽니다.\n"
        "2. **배송지 변경**을 누르고 새 주소와 연락처를 입력합니다.\n"
        "3. 저장하면 변경된 주소로 배송됩니다.\n\n"
        "이미 출고된 주문은 택배사에서 주소를 바꿔야 합니다. 송장번호를 확인한 뒤 택배사 고객센터에 "
        "연락하시거나, 고객센터에 주문번호와 새 주소를 알려 주세요.",
    ),
    DemoArticle(
        "delivery",
        "ko",
        "배송 조회가 되지 않을 때",
        "출고 후 택배사에 정보가 등록되기까지 보통 반나절이 걸립니다. 하루가 지나도 **배송 조회**가 되지 "
        "않으면 송장번호가 맞는지 확인해 주세요.\n\n"
        "- 주문 내역에서 송장번호를 누르면 택배사 조회 화면으로 이동합니다.\n"
        "- 3일 이상 배송 상태가 바뀌지 않으면 고객센터로 문의해 주세요. 택배사에 확인해 드립니다.",
    ),
    DemoArticle(
        "delivery",
        "ko",
        "배송이 늦어질 때 확인할 사항",
        "주문 후 평균 **2~3 영업일** 안에 받으실 수 있습니다. 주말과 공휴일, 명절 연휴에는 배송이 늦어질 수 "
        "있습니다.\n\n제주·도서산간 지역은 하루에서 이틀이 더 걸립니다. 예정일이 지나도 받지 못하셨다면 "
        "주문번호와 함께 문의해 주세요.",
    ),
    DemoArticle(
        "returns",
        "ko",
        "환불은 언제 되나요?",
        "반품 상품이 물류센터에 도착해 검수가 끝나면 환불이 진행됩니다.\n\n"
        "| 결제 수단 | 환불까지 걸리는 기간 |\n|---|---|\n"
        "| 신용카드 | 취소 후 3~5 영업일 |\n| 계좌이체 | 1~2 영업일 |\n| 적립금 | 즉시 |\n\n"
        "카드사 사정에 따라 청구서에 취소가 늦게 보일 수 있습니다.",
    ),
    DemoArticle(
        "returns",
        "ko",
        "반품 신청 방법",
        "상품을 받은 날로부터 **7일 이내**에 반품을 신청할 수 있습니다.\n\n"
        "1. 주문 내역에서 **반품 신청**을 누릅니다.\n2. 사유를 고르고 사진을 올립니다.\n"
        "3. 택배 기사님이 방문해 상품을 회수합니다.\n\n"
        "단순 변심으로 반품하시면 왕복 배송비가 환불 금액에서 차감됩니다.",
    ),
    DemoArticle(
        "returns",
        "ko",
        "파손되거나 불량인 상품 교환하기",
        "받으신 상품이 깨졌거나 작동하지 않으면 사진을 찍어 **교환 신청**을 해 주세요. 배송비는 저희가 "
        "부담합니다.\n\n포장 상자와 구성품을 버리지 말고 보관해 주세요. 회수할 때 함께 보내 주셔야 합니다.",
    ),
    DemoArticle(
        "payment",
        "ko",
        "결제 취소와 결제 수단 변경",
        "결제 완료 후 **출고 전**까지는 주문 내역에서 바로 결제를 취소할 수 있습니다. 결제 수단을 바꾸려면 "
        "주문을 취소한 뒤 다시 주문해 주세요.\n\n무통장 입금은 주문 후 24시간 안에 입금하지 않으면 자동으로 "
        "취소됩니다.",
    ),
    DemoArticle(
        "account",
        "ko",
        "비밀번호를 잊어버렸어요",
        "로그인 화면에서 **비밀번호 찾기**를 누르고 가입한 이메일 주소를 입력하세요. 재설정 링크가 담긴 "
        "메일이 옵니다. 링크는 30분 동안 쓸 수 있습니다.\n\n메일이 오지 않으면 스팸함을 확인해 주세요.",
    ),
    DemoArticle(
        "returns",
        "ko",
        "파손 배송 보상 기준 (상담원용)",
        "- 사진이 있으면 확인 즉시 **교환 또는 전액 환불**을 안내합니다.\n"
        "- 5만 원 이상 상품은 택배사 사고 접수를 함께 진행합니다.\n"
        "- 같은 고객이 석 달 안에 세 번째 파손을 신고하면 팀장에게 넘깁니다.",
        Visibility.INTERNAL,
    ),
    DemoArticle(
        "delivery",
        "en",
        "How to change your delivery address",
        "You can change the address yourself **until the order ships**: open the order under **My orders**, "
        "choose **Change delivery address**, enter the new address and save.\n\n"
        "Once the order has shipped, the courier has to change it. Contact the courier with your tracking "
        "number, or send us the order number and the new address.",
    ),
    DemoArticle(
        "returns",
        "en",
        "When will I get my refund?",
        "We refund as soon as the returned item reaches our warehouse and passes inspection. Card refunds take "
        "3 to 5 business days to appear; bank transfers 1 to 2 days; store credit is immediate.",
    ),
    DemoArticle(
        "returns",
        "en",
        "How to return an item",
        "You can return an item **within 7 days** of delivery. Open the order, choose **Return**, pick a "
        "reason and add a photo. A courier collects the parcel from your door.\n\n"
        "If you simply changed your mind, the delivery costs both ways are taken from the refund.",
    ),
    DemoArticle(
        "account",
        "en",
        "I forgot my password",
        "On the sign-in page choose **Forgot password** and enter your e-mail address. The reset link we send "
        "works for 30 minutes. No e-mail? Check your spam folder.",
    ),
]


def seed_help_centre() -> int:
    """Create the demo categories and articles that are missing; returns how many articles were added."""
    categories: dict[str, Category] = {}
    for slug, name_ko, name_en, parent in CATEGORIES:
        defaults = {"name_ko": name_ko, "name_en": name_en, "parent": categories.get(parent)}
        categories[slug], _created = Category.objects.get_or_create(slug=slug, defaults=defaults)
    added = 0
    for position, item in enumerate(ARTICLES):
        if Article.objects.filter(language=item.language, title=item.title).exists():
            continue
        article = Article(
            category=categories[item.category],
            language=item.language,
            title=item.title,
            body=item.body,
            visibility=item.visibility,
            position=position,
        )
        actions.save_article(article)
        added += 1
    return added
