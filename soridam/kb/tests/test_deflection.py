"""Deflection: a suggested article was opened and no complaint followed, or the reader said it solved it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from soridam.accounts.models import User
from soridam.kb.models import Article, Deflection

pytestmark = pytest.mark.django_db


def _open_from_suggestion(client: Client, article: Article) -> str:
    response = client.get(reverse("kb:article", args=[article.pk]), {"from": "suggest"})
    assert response.status_code == 200
    return response.content.decode()


def test_opening_a_suggested_article_and_leaving_counts_as_deflected(
    client: Client, make_article: Callable[..., Article]
) -> None:
    article = make_article()
    page = _open_from_suggestion(client, article)
    _open_from_suggestion(client, article)

    record = Deflection.objects.get(article=article)
    assert record.deflected
    assert not record.submitted
    assert reverse("kb:solved", args=[article.pk]) in page


def test_sending_the_complaint_afterwards_marks_the_opened_articles_not_deflected(
    client: Client, make_article: Callable[..., Article]
) -> None:
    first, second = make_article(title="배송지 변경 방법"), make_article(title="배송 조회가 되지 않을 때")
    _open_from_suggestion(client, first)
    _open_from_suggestion(client, second)
    other_visitor = Client()
    _open_from_suggestion(other_visitor, first)

    assert client.post(reverse("kb:complaint_sent")).status_code == 204

    assert list(Deflection.objects.filter(submitted=True).values_list("article", flat=True).order_by("article")) == [
        first.pk,
        second.pk,
    ]
    assert Deflection.objects.get(submitted=False).article == first


def test_this_solved_it_stays_deflected_even_if_a_complaint_follows(
    client: Client, make_article: Callable[..., Article]
) -> None:
    article = make_article()
    _open_from_suggestion(client, article)
    client.post(reverse("kb:solved", args=[article.pk]), HTTP_HX_REQUEST="true")
    client.post(reverse("kb:complaint_sent"))

    record = Deflection.objects.get(article=article)
    assert record.solved
    assert record.submitted
    assert record.deflected


def test_the_beacon_from_a_visitor_without_a_session_changes_nothing(
    client: Client, make_article: Callable[..., Article]
) -> None:
    article = make_article()
    _open_from_suggestion(Client(), article)
    assert client.post(reverse("kb:complaint_sent")).status_code == 204
    assert not Deflection.objects.filter(submitted=True).exists()


def test_the_admin_shows_opens_solved_and_deflections_per_article(
    client: Client, root: User, make_article: Callable[..., Article]
) -> None:
    article = make_article(title="배송지 변경 방법")
    readers = [Client() for _ in range(3)]
    for reader in readers:
        _open_from_suggestion(reader, article)
    readers[0].post(reverse("kb:solved", args=[article.pk]))
    readers[1].post(reverse("kb:complaint_sent"))

    client.force_login(root)
    page = client.get(reverse("admin:kb_article_changelist")).content.decode()
    row = page[page.index("배송지 변경 방법") :]
    row = row[: row.index("</tr>")]
    # opened 3, solved 1, deflected 2 (the one who solved it and the one who simply left)
    assert '<td class="field-suggestion_opens">3</td>' in row
    assert '<td class="field-solved_count">1</td>' in row
    assert '<td class="field-deflection_count">2</td>' in row
