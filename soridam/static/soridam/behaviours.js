// What used to be inline event handlers: the Content-Security-Policy runs no inline script
// (soridam/lib/security_headers.py), so pages mark elements with data attributes and this file acts on them.
(function () {
  "use strict";
  // <select data-submit-on-change>: choosing an option submits its form (the language switcher).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-submit-on-change") && target.form) {
      target.form.submit();
    }
  });
  // <form data-reveal-on-error=".selector">: when its htmx request fails, show the element it names.
  document.addEventListener("htmx:responseError", function (event) {
    var holder = event.target instanceof Element ? event.target.closest("[data-reveal-on-error]") : null;
    var shown = holder ? holder.querySelector(holder.getAttribute("data-reveal-on-error")) : null;
    if (shown) shown.hidden = false;
  });
  // The inbox reloads when the poll says it changed, but not under an agent's ticked cases (their bulk choice
  // would be lost). A filter in hx-trigger ("inbox-changed[...]") is evaluated as a string, which the CSP
  // refuses, so the condition lives here and the list listens for "inbox-refresh".
  document.body.addEventListener("inbox-changed", function () {
    if (!document.querySelector("#inbox .bulk-pick:checked")) {
      document.body.dispatchEvent(new CustomEvent("inbox-refresh"));
    }
  });
})();
