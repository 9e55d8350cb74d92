"""The case shows the customer's new words; the quoted history and signature stay in the stored original."""

from __future__ import annotations

import pytest
from django.test import Client

from soridam.accounts.models import Team, User
from soridam.channels import pipeline
from soridam.channels.email.tests.mails import mail
from soridam.channels.models import ChannelMessage

pytestmark = pytest.mark.django_db

BODY = (
    "교환 상품 아직 못 받았어요.\n\n삼성 갤럭시 스마트폰에서 보냈습니다.\n\n"
    "2026년 11월 22일 (일) 오후 3:04, 하루장터 고객센터 배송팀\n<help@shop.test>님이 작성:\n\n"
    "> 교환 상품을 어제 보내 드렸습니다.\n> 기사님 연락처는 010-2345-6789입니다."
)


def test_the_case_shows_the_reply_and_a_lead_opens_the_quoted_original(
    teams: dict[str, Team], alice: User, lena: User
) -> None:
    payload, _new = pipeline.receive("email", mail(body=BODY), process_now=True)
    assert payload.case is not None
    assert payload.message is not None
    payload.case.team = teams["delivery"]
    payload.case.save()
    assert payload.message.body == "교환 상품 아직 못 받았어요."
    meta = ChannelMessage.objects.get(message=payload.message)
    assert meta.full_text.strip() == BODY  # the whole text is kept: nothing is lost by extraction

    client = Client()
    client.force_login(alice)
    page = client.get(f"/workspace/cases/{payload.case.pk}/").content.decode()
    original_url = f"/workspace/channels/messages/{payload.message.pk}/original/"
    assert "교환 상품 아직 못 받았어요." in page
    assert "교환 상품을 어제 보내 드렸습니다" not in page
    assert "스마트폰에서 보냈습니다" not in page
    assert original_url not in page  # the unmasked original is a lead's reveal: an agent would get 403
    full_text_url = f"/workspace/channels/messages/{payload.message.pk}/full-text/"
    assert full_text_url in page  # the whole text, masked: one click for every agent on the case

    toggled = client.get(full_text_url, headers={"HX-Request": "true"})
    assert toggled.status_code == 200
    shown = toggled.content.decode()
    assert "교환 상품을 어제 보내 드렸습니다" in shown
    assert "삼성 갤럭시 스마트폰에서 보냈습니다." in shown
    assert "010-2345-6789" not in shown
    assert "010-****-6789" in shown
    assert "<html" not in shown  # the fragment the toggle swaps in
    without_javascript = client.get(full_text_url).content.decode()
    assert "<html" in without_javascript
    assert "교환 상품을 어제 보내 드렸습니다" in without_javascript

    client.force_login(lena)
    assert original_url in client.get(f"/workspace/cases/{payload.case.pk}/").content.decode()
    opened = client.post(original_url, {"reason": "고객이 인용한 안내 확인"})
    assert opened.status_code == 200
    original = opened.content.decode()
    assert "교환 상품을 어제 보내 드렸습니다" in original
    assert "삼성 갤럭시 스마트폰에서 보냈습니다." in original
    assert "010-2345-6789" in original


def test_the_whole_text_of_another_teams_case_answers_404(teams: dict[str, Team], bob: User) -> None:
    payload, _new = pipeline.receive("email", mail(body=BODY), process_now=True)
    assert payload.case is not None
    assert payload.message is not None
    payload.case.team = teams["delivery"]
    payload.case.save()
    client = Client()
    client.force_login(bob)
    assert client.get(f"/workspace/channels/messages/{payload.message.pk}/full-text/").status_code == 404
