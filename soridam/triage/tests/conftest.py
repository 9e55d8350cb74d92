from __future__ import annotations

import pytest

from soridam.triage.classifier import Example, TriageModel

# A small hand-written training set: enough for every field to have several labels, fast to fit.
SEED = [
    ("배송이 너무 늦어요", "주문한 택배가 일주일째 오지 않아요", "delivery", "high", "negative"),
    ("", "택배 송장번호 조회가 안 돼요 언제 도착하나요", "delivery", "normal", "neutral"),
    ("", "발송은 언제 되나요? 오늘 주문했어요", "delivery", "low", "neutral"),
    ("", "배송지 주소를 바꾸고 싶어요 아직 발송 전이에요", "delivery", "normal", "neutral"),
    ("환불 요청", "받은 상품이 마음에 안 들어서 반품하고 환불받고 싶어요", "refund_return", "normal", "neutral"),
    ("", "주문 취소하고 싶어요 아직 발송 전이에요", "refund_return", "normal", "neutral"),
    ("", "교환 신청했는데 회수 기사님이 안 오세요", "refund_return", "high", "negative"),
    ("", "반품 배송비는 얼마예요?", "refund_return", "low", "neutral"),
    ("", "결제가 두 번 됐어요 하나 취소해 주세요", "payment", "high", "negative"),
    ("", "무통장입금 기한이 언제까지예요?", "payment", "low", "neutral"),
    ("", "현금영수증 발급해 주세요", "payment", "normal", "neutral"),
    ("", "쿠폰이 결제할 때 적용이 안 돼요", "payment", "normal", "negative"),
    ("", "비밀번호를 잊어버려서 로그인이 안 돼요", "account", "normal", "negative"),
    ("", "회원 탈퇴는 어떻게 하나요", "account", "low", "neutral"),
    ("", "휴면 계정 해제하고 싶어요", "account", "normal", "neutral"),
    ("", "아이디 찾기가 안 돼요", "account", "normal", "negative"),
    ("", "이 원피스 사이즈가 어떻게 되나요", "product", "low", "neutral"),
    ("", "재입고 언제 되나요", "product", "low", "neutral"),
    ("", "화장품 성분이 궁금해요", "product", "low", "neutral"),
    ("", "청소기가 한 달 만에 고장났어요 수리 되나요", "product", "normal", "negative"),
    ("", "상담원 연결이 너무 오래 걸려요", "service", "normal", "negative"),
    ("", "문의했는데 답변이 없어요", "service", "high", "negative"),
    ("", "선물 포장 되나요", "service", "low", "neutral"),
    ("", "친절하게 상담해 주셔서 감사합니다", "service", "low", "positive"),
    ("입점 문의", "저희 회사 상품을 입점하고 싶습니다", "other", "low", "neutral"),
    ("제휴 제안", "마케팅 협업을 제안드립니다", "other", "low", "neutral"),
    ("", "테스트입니다", "other", "low", "neutral"),
    ("", "하루장터 로고가 예뻐요", "other", "low", "positive"),
]


def seed_examples() -> list[Example]:
    return [Example(subject, body, {"category": c, "priority": p, "sentiment": s}) for subject, body, c, p, s in SEED]


@pytest.fixture(scope="session")
def seed_model() -> TriageModel:
    return TriageModel().fit(seed_examples())
