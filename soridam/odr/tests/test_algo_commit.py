"""Commit-reveal (SPEC §3.4 B): the Python commitment, its constant-time check, and the browser's commit.js
computing the same value in Node's WebCrypto."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from soridam.odr.algorithms.commit import commitment, new_nonce, verify_reveal
from soridam.odr.algorithms.exact import AlgorithmInputError

COMMIT_JS = Path(__file__).resolve().parents[1] / "static" / "odr" / "commit.js"
NONCE = "ab" * 32

nonces = st.binary(min_size=32, max_size=32).map(bytes.hex)
bids = st.tuples(
    st.integers(1, 10**12), st.integers(1, 50), st.sampled_from(["claimant", "respondent"]), st.integers(0, 10**15)
)


def test_the_commitment_is_sha256_of_the_documented_canonical_string() -> None:
    text = f"soridam-odr-bid/1\n7\n1\nclaimant\n61000\n{NONCE}"
    assert commitment(7, 1, "claimant", 61000, NONCE) == hashlib.sha256(text.encode()).hexdigest()


@given(bids, nonces)
def test_a_reveal_matches_only_its_own_commitment(bid: tuple[int, int, str, int], nonce: str) -> None:
    dispute, round_, role, amount = bid
    sealed = commitment(dispute, round_, role, amount, nonce)
    assert verify_reveal(sealed, dispute, round_, role, amount, nonce)
    other_role = "respondent" if role == "claimant" else "claimant"
    assert not verify_reveal(sealed, dispute, round_, role, amount + 1, nonce)  # a changed bid is refused
    assert not verify_reveal(sealed, dispute, round_ + 1, role, amount, nonce)  # no replay into another round
    assert not verify_reveal(sealed, dispute + 1, round_, role, amount, nonce)
    assert not verify_reveal(sealed, dispute, round_, other_role, amount, nonce)


@pytest.mark.parametrize(
    ("field", "bad"),
    [("round", 0), ("amount", -1), ("role", "staff"), ("nonce", "AB" * 32), ("nonce", "ab" * 16), ("amount", True)],
)
def test_malformed_fields_are_refused(field: str, bad: object) -> None:
    args: dict[str, object] = {"dispute_id": 7, "round": 1, "role": "claimant", "amount": 5, "nonce_hex": NONCE}
    args["nonce_hex" if field == "nonce" else field] = bad
    with pytest.raises(AlgorithmInputError):
        commitment(**args)  # type: ignore[arg-type]
    assert not verify_reveal("0" * 64, **args)  # type: ignore[arg-type]


def test_a_malformed_commitment_never_matches() -> None:
    sealed = commitment(7, 1, "claimant", 5, NONCE)
    assert not verify_reveal(sealed.upper(), 7, 1, "claimant", 5, NONCE)
    assert not verify_reveal(sealed[:-1], 7, 1, "claimant", 5, NONCE)


def test_server_sealed_nonces_are_256_random_bits() -> None:
    first, second = new_nonce(), new_nonce()
    assert len(first) == 64
    assert int(first, 16) >= 0
    assert first != second


NODE_SCRIPT = """
const commit = require(process.argv[1]);
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
(async () => {
  const out = [];
  for (const c of cases) out.push(await commit.commitment(c[0], c[1], c[2], c[3], c[4]));
  const nonce = commit.newNonce();
  let refused = false;
  try { commit.canonicalString(7, 0, "claimant", 5, nonce); } catch (e) { refused = true; }
  console.log(JSON.stringify({ out, nonce, refused }));
})();
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_browser_module_computes_the_same_commitment_as_python() -> None:
    rng = random.Random(18)  # noqa: S311 - reproducible test inputs, not secrets
    cases = [
        [rng.randint(1, 2**40), rng.randint(1, 9), rng.choice(["claimant", "respondent"]), rng.randint(0, 2**52),
         rng.randbytes(32).hex()]
        for _ in range(40)
    ] + [[1, 1, "claimant", 0, "0" * 64], [2**53 - 1, 3, "respondent", 2**53 - 1, "f" * 64]]  # fmt: skip
    done = subprocess.run(
        ["node", "-e", NODE_SCRIPT, str(COMMIT_JS)], input=json.dumps(cases), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["out"] == [commitment(*case) for case in cases]
    assert len(answer["nonce"]) == 64
    assert int(answer["nonce"], 16) >= 0
    assert answer["refused"]
