/*
 * The bidding forms of the dispute page (SPEC §3.4 B), on top of commit.js.
 * Sealing: the amount never leaves the browser. The commitment is computed here and posted alone; the amount and
 * the nonce are kept in this browser's localStorage (and shown, to write down) until the reveal.
 * Revealing: the reveal form is filled from what this browser kept.
 */
(function () {
  "use strict";

  function key(form) {
    return "soridam-odr-bid:" + form.dataset.dispute + ":" + form.dataset.round + ":" + form.dataset.role;
  }

  function seal(form) {
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var amount = Number(form.querySelector("[data-local-amount]").value);
      var nonce = window.SoridamOdrCommit.newNonce();
      var digest = await window.SoridamOdrCommit.commitment(
        Number(form.dataset.dispute), Number(form.dataset.round), form.dataset.role, amount, nonce
      );
      window.localStorage.setItem(key(form), JSON.stringify({ amount: amount, nonce: nonce }));
      form.querySelector("input[name=commitment]").value = digest;
      form.submit();
    });
  }

  function fillReveal(form) {
    var kept = window.localStorage.getItem(key(form));
    if (!kept) return;
    var bid = JSON.parse(kept);
    form.querySelector("input[name=amount]").value = bid.amount;
    form.querySelector("input[name=nonce]").value = bid.nonce;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var sealForm = document.getElementById("commit-form");
    if (sealForm) seal(sealForm);
    var revealForm = document.getElementById("reveal-form");
    if (revealForm) fillReveal(revealForm);
  });
})();
