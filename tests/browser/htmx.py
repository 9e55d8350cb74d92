"""Waiting for htmx in browser tests.

htmx wires up a swapped-in fragment (its triggers) while the swap settles, a moment after the new HTML is in the
page. A change made in that moment is not heard. People are never that fast; Playwright is, so a test waits until
htmx has processed the form it is about to use.
"""

from __future__ import annotations

from typing import Any

# htmx keeps its per-element state in this property; ``initHash`` is set once it has attached the triggers.
_WIRED = """selector => {
  const field = document.querySelector(selector);
  const form = field && (field.form || field.closest('form'));
  const data = form && form['htmx-internal-data'];
  return Boolean(data && data.initHash) && !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping');
}"""


def select_when_wired(page: Any, selector: str, value: str) -> None:
    """Choose ``value`` in the select once htmx listens to its form, then wait until the answer shows it saved."""
    page.wait_for_function(_WIRED, arg=selector)
    page.select_option(selector, value)
    page.wait_for_selector(f"{selector} option[value='{value}'][selected]", state="attached")


def wait_until_wired(page: Any, selector: str) -> None:
    page.wait_for_function(_WIRED, arg=selector)
