"""A starting glossary of customer-service words (Korean paraphrases and English), editable in the admin.

General e-commerce vocabulary, not the wording of any one shop: each line is one group of words a customer may
use for the same thing.
"""

from django.db import migrations

GLOSSARY = [
    "환불, 돈 돌려받기, 돌려받다, refund, money back, reimburse",
    "배송, 택배, 발송, delivery, shipping, ship, courier, parcel",
    "배송비, 택배비, 배송료, 운송비, shipping fee, delivery charge, postage",
    "도착, 받다, 오다, arrive, arrival, receive",
    "주문, 구매, 시키다, order, purchase, buy",
    "취소, 주문 취소, cancel, cancellation",
    "교환, 바꾸다, 맞교환, exchange, swap, replace",
    "반품, 돌려보내다, 되돌려 보내다, return, send back",
    "결제, 돈 내다, 지불, 계산, payment, pay, checkout",
    "결제 수단, 결제 방법, 지불 방법, payment method",
    "결제 실패, 결제 오류, 승인 거절, payment failed, declined",
    "카드, 신용카드, 체크카드, card, credit card",
    "무통장입금, 계좌이체, 입금, bank transfer, bank deposit, deposit",
    "계좌, 통장, bank account",
    "영수증, 현금영수증, receipt, cash receipt",
    "세금계산서, 계산서, 증빙, tax invoice, invoice",
    "비밀번호, 패스워드, 비번, password",
    "재설정, 초기화, 새로 정하다, 변경, reset, change",
    "아이디, 계정, 로그인 이메일, account, login, id, username",
    "로그인, 접속, 들어가다, login, log in, sign in",
    "회원 탈퇴, 탈퇴, 계정 삭제, 계정 없애다, delete account, close account",
    "휴면, 잠든 계정, 비활성, inactive, dormant, locked",
    "개인정보, 내 정보, 데이터, personal information, personal data, privacy",
    "삭제, 지우다, 없애다, delete, remove, erase",
    "포인트, 적립금, point, reward",
    "적립, 쌓이다, 모으다, earn, collect",
    "쿠폰, 할인권, coupon, voucher, discount code",
    "유효기간, 기한, 만료, expire, expiry, expiration",
    "주소, 배송지, 받는 곳, address",
    "수정, 변경, 바꾸다, change, edit, modify, update",
    "해외 배송, 국제 배송, 국제택배, 외국, international shipping, overseas, abroad",
    "배송 조회, 택배 위치, 운송장, 송장 번호, tracking, track, tracking number",
    "지연, 늦다, 늦어지다, delay, late",
    "불량, 고장, 작동 안 됨, defect, defective, broken, not working",
    "파손, 깨지다, 부서지다, damaged, broken, cracked",
    "오배송, 잘못 온 상품, 다른 상품, wrong item",
    "수리, 고치다, a/s, 애프터서비스, repair, fix, warranty",
    "서비스센터, 수리 센터, service center",
    "재입고, 입고, 다시 들어오다, restock, back in stock",
    "품절, 재고 없음, out of stock, sold out",
    "알림, 연락, 통지, notification, notify, alert",
    "선물 포장, 포장, gift wrap, gift wrapping, wrapping",
    "상담원, 상담사, 고객센터, 사람, agent, customer service, support",
    "운영 시간, 상담 시간, 영업시간, business hours, opening hours",
    "전화, 통화, call, phone",
    "리뷰, 상품평, 후기, review",
    "단체 주문, 대량 구매, 대량 주문, bulk order, corporate order, wholesale",
    "견적, 견적서, quote, quotation",
    "사이즈, 치수, 크기, size",
    "신선식품, 식품, 냉장, fresh food, fresh produce, groceries",
    "상하다, 썩다, spoiled, rotten",
    "화장품, cosmetics, makeup",
    "개봉, 사용한 상품, used, opened",
    "등급, 회원 등급, 멤버십, membership level, tier, grade",
    "혜택, 보상, 리워드, benefit, reward, perk",
    "정품, 진품, genuine, authentic",
    "가품, 짝퉁, 위조품, fake, counterfeit",
    "기간, 며칠, 얼마나, 언제까지, how long, how many days, period",
    "이메일, 메일, email, e-mail",
    "네이버페이, naver pay",
    "카카오페이, kakao pay",
    "비용, 요금, 가격, 얼마, cost, fee, price, charge",
]


def seed(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    Synonym.objects.bulk_create(Synonym(terms=line) for line in GLOSSARY)


def unseed(apps, schema_editor):
    apps.get_model("search", "Synonym").objects.filter(terms__in=GLOSSARY).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [migrations.RunPython(seed, unseed)]
