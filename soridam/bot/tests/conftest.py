"""Published help-centre articles saved through kb.actions (their index jobs run), lexical search only."""

from __future__ import annotations

from typing import Any

import pytest

from soridam.kb import actions
from soridam.kb.models import Article, Visibility

ARTICLES = (
    (
        "반품은 언제까지 하나요?",
        "단순 변심 반품은 상품을 받은 날부터 14일 안에 신청할 수 있습니다. "
        "불량 상품은 받은 날부터 3개월 안에 신청하세요. 반품 신청은 주문 상세에서 합니다.",
    ),
    (
        "택배비와 무료 배송 조건",
        "택배비는 주문 한 건당 3,500원이고 50,000원 이상이면 무료입니다. 제주도는 4,000원이 더 붙습니다.",
    ),
    (
        "포인트 적립과 사용",
        "구매확정을 하면 결제 금액의 2%가 포인트로 쌓입니다. 포인트는 5,000P부터 쓸 수 있습니다.",
    ),
    (
        "비밀번호 재설정",
        "로그인 화면의 비밀번호 찾기를 누르고 가입한 이메일을 넣으면 재설정 링크를 보내 드립니다.",
    ),
)


@pytest.fixture(autouse=True)
def _lexical_only(settings: Any) -> None:
    settings.SORIDAM_SEARCH_EMBEDDINGS = False


@pytest.fixture
def help_centre(db: None, django_capture_on_commit_callbacks: Any) -> list[Article]:
    saved = []
    for title, body in ARTICLES:
        with django_capture_on_commit_callbacks(execute=True):
            saved.append(actions.save_article(Article(title=title, body=body, visibility=Visibility.PUBLIC)))
    return saved
