/*
 * Sealing a bid in the party's browser (SPEC §3.4 B). The same commitment as
 * soridam/odr/algorithms/commit.py: the lowercase hex SHA-256 of the UTF-8 bytes of
 *   "soridam-odr-bid/1\n{disputeId}\n{round}\n{role}\n{amount}\n{nonceHex}"
 * The nonce is 256 random bits from crypto.getRandomValues and never leaves the browser before the reveal.
 * Works as a classic <script> (window.SoridamOdrCommit) and under Node (module.exports) for the tests.
 */
(function (root) {
  "use strict";

  var DOMAIN = "soridam-odr-bid/1";
  var ROLES = ["claimant", "respondent"];

  function checkInteger(name, value, least) {
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < least) {
      throw new RangeError(name + ": expected an integer >= " + least);
    }
  }

  function toHex(bytes) {
    var out = "";
    for (var i = 0; i < bytes.length; i++) {
      out += bytes[i].toString(16).padStart(2, "0");
    }
    return out;
  }

  function canonicalString(disputeId, round, role, amount, nonceHex) {
    checkInteger("disputeId", disputeId, 1);
    checkInteger("round", round, 1);
    checkInteger("amount", amount, 0);
    if (ROLES.indexOf(role) < 0) throw new RangeError("role: expected claimant or respondent");
    if (!/^[0-9a-f]{64}$/.test(nonceHex)) throw new RangeError("nonceHex: expected 64 lowercase hex digits");
    return [DOMAIN, String(disputeId), String(round), role, String(amount), nonceHex].join("\n");
  }

  function newNonce() {
    var bytes = new Uint8Array(32);
    root.crypto.getRandomValues(bytes);
    return toHex(bytes);
  }

  async function commitment(disputeId, round, role, amount, nonceHex) {
    var text = canonicalString(disputeId, round, role, amount, nonceHex);
    var digest = await root.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    return toHex(new Uint8Array(digest));
  }

  var api = { DOMAIN: DOMAIN, canonicalString: canonicalString, newNonce: newNonce, commitment: commitment };
  root.SoridamOdrCommit = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(globalThis);
