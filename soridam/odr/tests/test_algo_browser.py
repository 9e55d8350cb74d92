"""The browser half of commit-reveal in Debian's chromium: commit.js, served as a static file next to the public
blind-bidding card, seals bids with the browser's own WebCrypto and gets exactly the Python commitment."""

from __future__ import annotations

from typing import Any

import pytest

from soridam.odr.algorithms.commit import commitment, verify_reveal
from tests.browser.conftest import browser_page  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEAL = """async (bids) => {
  const out = [];
  for (const [dispute, round, role, amount] of bids) {
    const nonce = SoridamOdrCommit.newNonce();
    out.push({nonce, digest: await SoridamOdrCommit.commitment(dispute, round, role, amount, nonce)});
  }
  return out;
}"""


def test_chromium_seals_bids_that_python_verifies(browser_page: Any, live_server: Any) -> None:  # noqa: F811
    page = browser_page
    page.goto(f"{live_server.url}/odr/algorithms/blind_bidding/")
    assert "61000" in page.locator("[data-testid=example-output]").inner_text()
    page.add_script_tag(url=f"{live_server.url}/static/odr/commit.js")
    bids = [[7, 1, "claimant", 70000], [7, 1, "respondent", 52000], [2**40, 3, "respondent", 0]]
    sealed = page.evaluate(SEAL, bids)
    nonces = {entry["nonce"] for entry in sealed}
    assert len(nonces) == len(bids)  # a fresh 256-bit nonce for every bid
    for (dispute, round_, role, amount), entry in zip(bids, sealed, strict=True):
        assert len(entry["nonce"]) == 64
        assert entry["digest"] == commitment(dispute, round_, role, amount, entry["nonce"])
        assert verify_reveal(entry["digest"], dispute, round_, role, amount, entry["nonce"])
        assert not verify_reveal(entry["digest"], dispute, round_, role, amount + 1, entry["nonce"])
