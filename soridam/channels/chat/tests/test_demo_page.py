from __future__ import annotations

from pathlib import Path

from django.test import Client


def test_the_demo_page_embeds_the_widget_pointing_at_this_site(client: Client, settings: object) -> None:
    page = client.get("/chat/demo/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<script src="/static/chat/widget.js" data-api="' in html
    assert "data-lang=" in html


def test_the_widget_script_is_a_static_file_that_never_renders_text_as_html() -> None:
    from django.contrib.staticfiles import finders

    path = finders.find("chat/widget.js")
    assert path is not None
    source = Path(str(path)).read_text(encoding="utf-8")
    assert "innerHTML" not in source
    assert "insertAdjacentHTML" not in source
