from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from soridam.audit.actors import Actor
from soridam.cases import actions
from soridam.cases.models import Case, Message, Status
from soridam.cases.stages import Stage

pytestmark = pytest.mark.django_db

MakeCase = Callable[..., Case]
FileMaker = Callable[..., SimpleUploadedFile]


def _track(client: Client, case: Case, **extra: Any) -> str:
    response = client.get(f"/track/{case.tracking_token}/", **extra)
    assert response.status_code == 200
    return response.content.decode()


def test_tracking_page_shows_agent_replies_and_public_history_but_never_internal_notes(
    client: Client, make_case: MakeCase, agent_actor: Actor
) -> None:
    case = make_case()
    actions.reply(case, "기사님께 확인해 보니 내일 도착 예정입니다.", actor=agent_actor)
    actions.add_note(case, "INTERNAL: 이 고객은 지난달에도 환불을 요청함", actor=agent_actor)
    actions.change_stage(case, Stage.INVESTIGATION, actor=agent_actor)
    page = _track(client, case, HTTP_ACCEPT_LANGUAGE="en")
    assert f'<span id="case-reference">{case.reference}</span>' in page
    assert "배송이 너무 늦어요" in page
    assert "기사님께 확인해 보니 내일 도착 예정입니다." in page
    assert "주문한 상품이 아직 오지 않았습니다." in page
    assert "INTERNAL" not in page
    assert "환불을 요청함" not in page
    assert "We received your request." in page
    assert "Our team replied." in page
    assert "Your case moved to the Investigation stage." in page
    assert 'id="reply-body"' in page
    assert f'action="/track/{case.tracking_token}/reply/"' in page


def test_progress_bar_marks_done_and_current_stages(client: Client, make_case: MakeCase, agent_actor: Actor) -> None:
    case = make_case()
    actions.change_stage(case, Stage.RESOLUTION, actor=agent_actor)
    page = _track(client, case, HTTP_ACCEPT_LANGUAGE="ko")
    progress = re.search(r'<ol class="stage-progress">(.*?)</ol>', page, re.S)
    assert progress is not None
    steps = re.findall(r'<li class="(\w+)"( aria-current="step")?>\s*<span lang="ko">([^<]+)</span>', progress.group(1))
    assert [(state, korean) for state, _current, korean in steps] == [
        ("done", "접수"),
        ("done", "분류"),
        ("done", "조사·분석"),
        ("current", "해결책 마련"),
        ("todo", "고객 통보"),
        ("todo", "사후 관리"),
    ]
    assert [bool(current) for _state, current, _korean in steps] == [False, False, False, True, False, False]


def test_tracking_pages_are_kept_out_of_search_engines_caches_and_referrers(
    client: Client, make_case: MakeCase
) -> None:
    case = make_case()
    response = client.get(f"/track/{case.tracking_token}/")
    assert response["Referrer-Policy"] == "strict-origin"
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


@pytest.mark.parametrize("token", ["short", "x" * 32, "-_" * 20])
def test_unknown_token_gives_a_friendly_404(client: Client, make_case: MakeCase, token: str) -> None:
    make_case()
    response = client.get(f"/track/{token}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert response["Referrer-Policy"] == "strict-origin"


def test_a_token_opens_only_its_own_case_never_another_customers(
    client: Client, make_case: MakeCase, jpeg: FileMaker
) -> None:
    kim = make_case()
    lee = make_case(
        subject="결제가 두 번 됐어요",
        body="카드 결제가 중복으로 청구되었습니다.",
        email="lee@example.kr",
        name="이서준",
    )
    with_file = Case.objects.get(pk=lee.pk)
    message = actions.receive_customer_message(
        with_file,
        "영수증 첨부합니다",
        actor=Actor(customer=lee.customer),
        channel="web",
        uploads=[_upload(jpeg())],
    )
    lee_file = message.attachments.get()
    page = _track(client, kim)
    assert kim.reference in page
    assert lee.reference not in page
    assert "중복으로 청구" not in page
    assert "이서준" not in page
    assert client.get(f"/track/{kim.tracking_token}/files/{lee_file.pk}/").status_code == 404
    assert client.get(f"/track/{lee.tracking_token}/files/{lee_file.pk}/").status_code == 200
    before = Message.objects.count()
    forged = kim.tracking_token[:-1] + ("X" if not kim.tracking_token.endswith("X") else "Y")
    assert client.post(f"/track/{forged}/reply/", {"body": "hello"}).status_code == 404
    assert Message.objects.count() == before


def _upload(file: SimpleUploadedFile) -> Any:
    from soridam.cases.uploads import check_upload

    return check_upload(file.name or "", file.read())


def test_reply_adds_a_message_with_a_file_and_reopens_a_closed_case(
    client: Client, make_case: MakeCase, agent_actor: Actor, jpeg: FileMaker
) -> None:
    case = make_case()
    actions.change_status(case, Status.CLOSED, actor=agent_actor)
    response = client.post(
        f"/track/{case.tracking_token}/reply/",
        {"body": "아직 물건을 못 받았어요. 사진 보냅니다.", "attachments": [jpeg("상자.jpg")]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    assert response["Location"] == f"/track/{case.tracking_token}/"
    case.refresh_from_db()
    assert case.status == Status.OPEN
    message = case.messages.filter(kind="customer").latest("id")
    assert message.body == "아직 물건을 못 받았어요. 사진 보냅니다."
    assert message.channel == "web"
    assert message.author_customer_id == case.customer_id
    assert message.attachments.get().filename == "상자.jpg"
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your message was sent." in page
    assert "아직 물건을 못 받았어요." in page
    assert "Your case was reopened." in page


def test_reply_long_after_closing_goes_to_a_new_linked_case(
    client: Client, make_case: MakeCase, agent_actor: Actor
) -> None:
    case = make_case()
    actions.change_status(case, Status.CLOSED, actor=agent_actor)
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=60))
    response = client.post(f"/track/{case.tracking_token}/reply/", {"body": "같은 문제가 또 생겼습니다."})
    linked = Case.objects.exclude(pk=case.pk).get()
    assert linked.related_case_id == case.pk
    assert response.status_code == 302
    assert response["Location"] == f"/track/{linked.tracking_token}/"
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert linked.messages.get().body == "같은 문제가 또 생겼습니다."


def test_htmx_reply_answers_with_the_updated_conversation(client: Client, make_case: MakeCase) -> None:
    case = make_case()
    response = client.post(
        f"/track/{case.tracking_token}/reply/",
        {"body": "추가 문의입니다."},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert '<section id="conversation"' in page
    assert "추가 문의입니다." in page
    assert "Your message was sent." in page
    assert '<textarea name="body"' in page
    assert "추가 문의입니다.</textarea>" not in page
    assert case.messages.filter(body="추가 문의입니다.").count() == 1


def test_htmx_reply_on_an_old_case_redirects_the_browser_to_the_new_case(
    client: Client, make_case: MakeCase, agent_actor: Actor
) -> None:
    case = make_case()
    actions.change_status(case, Status.CLOSED, actor=agent_actor)
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=60))
    response = client.post(f"/track/{case.tracking_token}/reply/", {"body": "또 문의"}, HTTP_HX_REQUEST="true")
    linked = Case.objects.exclude(pk=case.pk).get()
    assert response["HX-Redirect"] == f"/track/{linked.tracking_token}/"


@pytest.mark.parametrize(("htmx", "status"), [(False, 400), (True, 200)])
def test_empty_or_bad_reply_is_refused_and_stores_nothing(
    client: Client, make_case: MakeCase, jpeg: FileMaker, htmx: bool, status: int
) -> None:
    case = make_case()
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    empty = client.post(f"/track/{case.tracking_token}/reply/", {"body": "  "}, HTTP_ACCEPT_LANGUAGE="en", **headers)
    disguised = client.post(
        f"/track/{case.tracking_token}/reply/",
        {"body": "파일 첨부", "attachments": [jpeg("x.jpg", b"<svg onload=alert(1)>")]},
        HTTP_ACCEPT_LANGUAGE="en",
        **headers,
    )
    assert (empty.status_code, disguised.status_code) == (status, status)
    assert 'id="reply-body_error"' in empty.content.decode()
    assert "x.jpg is not a file type we accept." in disguised.content.decode()
    assert case.messages.count() == 1


def test_replies_are_rate_limited_per_address(client: Client, make_case: MakeCase, settings: Any) -> None:
    settings.SORIDAM_RATE_LIMITS = {**settings.SORIDAM_RATE_LIMITS, "tracking": 1}
    case = make_case()
    assert client.post(f"/track/{case.tracking_token}/reply/", {"body": "하나"}).status_code == 302
    limited = client.post(f"/track/{case.tracking_token}/reply/", {"body": "둘"})
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    assert case.messages.filter(body="둘").count() == 0


def test_reply_url_only_accepts_post(client: Client, make_case: MakeCase) -> None:
    case = make_case()
    assert client.get(f"/track/{case.tracking_token}/reply/").status_code == 405


def test_tracking_page_costs_the_same_queries_for_many_messages(
    client: Client, make_case: MakeCase, agent_actor: Actor, django_assert_max_num_queries: Any, jpeg: FileMaker
) -> None:
    case = make_case()
    # 16: the page's own queries and the tracking rate limit's count in the shared cache table.
    with django_assert_max_num_queries(16) as few:
        _track(client, case)
    for number in range(15):
        actions.reply(case, f"답변 {number}", actor=agent_actor, uploads=[_upload(jpeg(f"{number}.jpg"))])
        actions.receive_customer_message(case, f"질문 {number}", actor=Actor(customer=case.customer), channel="web")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = _track(client, case)
    assert "답변 14" in page
    assert "14.jpg" in page
