// "Insert link" / "Insert text" on the case page: put an article into the reply box at the cursor.
(function () {
  "use strict";
  if (window.soridamKbInsert) { return; }
  window.soridamKbInsert = true;

  function insertAtCursor(field, text) {
    var start = field.selectionStart, end = field.selectionEnd, value = field.value;
    var before = value.slice(0, start), after = value.slice(end);
    var lead = before && !/\s$/.test(before) ? "\n" : "";
    field.value = before + lead + text + after;
    var caret = (before + lead + text).length;
    field.setSelectionRange(caret, caret);
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // Counts the article as used on this case (R-KB-8); the reply itself is sent by the agent as usual.
  function countUse(button) {
    var holder = button.closest("[data-kb-used-url]");
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (!holder || !token) { return; }
    var body = new FormData();
    body.append("how", button.getAttribute("data-kb-how"));
    body.append("csrfmiddlewaretoken", token.value);
    fetch(holder.getAttribute("data-kb-used-url"), { method: "POST", body: body, credentials: "same-origin" });
  }

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-kb-insert]") : null;
    if (!button) { return; }
    var field = document.getElementById(button.getAttribute("data-kb-insert-into"));
    if (!field) { return; }
    insertAtCursor(field, button.getAttribute("data-kb-insert"));
    field.focus();
    countUse(button);
    var status = document.querySelector("[data-kb-insert-status]");
    if (status) { status.textContent = status.getAttribute("data-inserted"); }
  });
})();
