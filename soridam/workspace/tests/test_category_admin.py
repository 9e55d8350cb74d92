from __future__ import annotations

import pytest
from django.test import Client

from soridam.accounts.models import User
from soridam.cases.models import Category

pytestmark = pytest.mark.django_db


def test_admin_lists_categories_with_editable_names_team_activity_and_position(root: User) -> None:
    client = Client()
    client.force_login(root)
    response = client.get("/admin/cases/category/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "delivery" in html
    for field in ("name_ko", "name_en", "default_team", "is_active", "position"):
        assert f'name="form-0-{field}"' in html


def test_admin_edits_a_category(root: User) -> None:
    client = Client()
    client.force_login(root)
    category = Category.objects.get(slug="delivery")
    response = client.post(
        f"/admin/cases/category/{category.pk}/change/",
        {"slug": "delivery", "name_ko": "배송 문의", "name_en": "Shipping", "position": 3, "is_active": "on"},
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert (category.name_ko, category.name_en, category.position, category.default_team) == (
        "배송 문의",
        "Shipping",
        3,
        None,
    )
