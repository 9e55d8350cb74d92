// Keyboard shortcuts for the agent workspace (R-AGENT-7), and focus care after htmx swaps.
// Inbox: j/k select the next/previous case, Enter or o opens it, x ticks it for a bulk action.
// Case page: r reply, n internal note, a assignee. Anywhere: ? lists the shortcuts.
(function () {
  "use strict";

  function isTyping(target) {
    if (!(target instanceof Element)) return false;
    if (target.isContentEditable) return true;
    // A ticked row's checkbox keeps focus: j, k and x must still work from there.
    return Boolean(target.closest("input:not([type=checkbox]), textarea, select, [contenteditable]"));
  }

  function isInteractive(target) {
    return target instanceof Element && Boolean(target.closest("a, button, summary, [role='button'], [tabindex]"));
  }

  function inboxRows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-inbox] .inbox-row"));
  }

  function selectedIndex(rows) {
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].getAttribute("aria-selected") === "true") return i;
    }
    return -1;
  }

  function selectRow(rows, index) {
    rows.forEach(function (row, i) {
      var selected = i === index;
      row.setAttribute("aria-selected", selected ? "true" : "false");
      row.classList.toggle("selected", selected);
    });
    var link = rows[index].querySelector("a.case-link");
    if (link) {
      link.focus();
      rows[index].scrollIntoView({ block: "nearest" });
    }
  }

  function moveSelection(step) {
    var rows = inboxRows();
    if (rows.length === 0) return false;
    var current = selectedIndex(rows);
    var next = current === -1 ? 0 : Math.min(Math.max(current + step, 0), rows.length - 1);
    selectRow(rows, next);
    return true;
  }

  function openSelection() {
    var rows = inboxRows();
    var current = selectedIndex(rows);
    if (current === -1) return false;
    var link = rows[current].querySelector("a.case-link");
    if (!link) return false;
    window.location.assign(link.href);
    return true;
  }

  // x ticks (or unticks) the row chosen with j/k for a bulk action, and keeps focus on its link.
  function toggleSelection() {
    var rows = inboxRows();
    var current = selectedIndex(rows);
    if (current === -1) return false;
    var box = rows[current].querySelector("input.bulk-pick");
    if (!box) return false;
    box.checked = !box.checked;
    return true;
  }

  function focusField(id) {
    var field = document.getElementById(id);
    if (!field) return false;
    field.focus();
    field.scrollIntoView({ block: "center" });
    return true;
  }

  // The composer writes replies and notes: n turns its internal-note switch on, r off.
  function setInternal(on) {
    var toggle = document.getElementById("reply-internal");
    if (toggle) toggle.checked = on;
  }

  function writeReply() {
    setInternal(false);
    return focusField("reply-body");
  }

  function writeNote() {
    setInternal(true);
    return focusField("reply-body");
  }

  // Macros: choosing one puts its text in the composer (replacing a "/filter" typed there, else appended).
  function useMacro(select) {
    var option = select.options[select.selectedIndex];
    var box = document.getElementById("reply-body");
    if (!option || !option.value || !box) return;
    var body = option.getAttribute("data-body") || "";
    var typed = box.value;
    box.value = typed.trim() === "" || typed.charAt(0) === "/" ? body : typed.replace(/\s*$/, "\n\n") + body;
    box.focus();
  }

  function filterMacros(text) {
    var select = document.getElementById("reply-macro");
    if (!select) return null;
    var wanted = text.trim().toLowerCase();
    var first = null;
    Array.prototype.forEach.call(select.options, function (option) {
      var match = !option.value || option.text.toLowerCase().indexOf(wanted) !== -1;
      option.hidden = !match;
      if (match && option.value && !first) first = option;
    });
    return first;
  }

  function pickFirstMacro() {
    var filter = document.getElementById("macro-filter");
    var first = filterMacros(filter ? filter.value : "");
    if (!first) return;
    var select = first.parentNode;
    select.value = first.value;
    useMacro(select);
  }

  document.addEventListener("change", function (event) {
    if (event.target instanceof Element && event.target.id === "reply-macro") useMacro(event.target);
  });

  document.addEventListener("input", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    if (target.id === "macro-filter") filterMacros(target.value);
    // "/" at the start of an empty composer: the rest of the line filters the macros.
    if (target.id === "reply-body" && /^\/[^\n]*$/.test(target.value)) {
      var filter = document.getElementById("macro-filter");
      if (filter) {
        filter.value = target.value.slice(1);
        filterMacros(filter.value);
      }
    }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "Enter" || !(target instanceof Element)) return;
    var slash = target.id === "reply-body" && /^\/[^\n]*$/.test(target.value);
    if (target.id === "macro-filter" || slash) {
      event.preventDefault();  // Enter picks the first matching macro instead of submitting or a new line
      pickFirstMacro();
    }
  });

  function showHelp() {
    var dialog = document.getElementById("shortcut-help");
    if (!dialog || dialog.open) return false;
    dialog.showModal();
    return true;
  }

  var keys = {
    j: function () { return moveSelection(1); },
    k: function () { return moveSelection(-1); },
    o: openSelection,
    x: toggleSelection,
    r: writeReply,
    n: writeNote,
    a: function () { return focusField("assign-to"); },
    // "/" is the search key in most web apps (GitHub, Gmail, Zendesk); preventDefault keeps it out of the box.
    "/": function () { return focusField("workspace-search"); },
    "?": showHelp,
  };

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTyping(event.target)) return;
    var dialog = document.getElementById("shortcut-help");
    if (dialog && dialog.open) return;
    var handler = keys[event.key];
    // Enter on a link or button keeps its own meaning; it opens the row chosen with j/k only from the page itself.
    if (event.key === "Enter" && !isInteractive(event.target)) handler = openSelection;
    if (handler && handler()) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element && event.target.closest("[data-shortcut-help]");
    if (button) showHelp();
  });

  // After the case panel is swapped in, put focus where the agent needs it: on the first field with an
  // error, else on the confirmation message (which a screen reader then reads).
  document.addEventListener("htmx:afterSettle", function (event) {
    var panel = document.getElementById("case-panel");
    if (!panel || !(event.target instanceof Element) || !panel.contains(event.target)) return;
    var invalid = panel.querySelector("[aria-invalid='true']");
    var notice = panel.querySelector("[data-panel-notice]");
    var target = invalid || notice;
    if (target) target.focus();
    hideAlert();
  });

  function alertBox() {
    return document.getElementById("workspace-alert");
  }

  function hideAlert() {
    var box = alertBox();
    if (box) box.hidden = true;
  }

  // A 403, 404 or 500 is not swapped in (see htmx-config): say so instead of doing nothing.
  document.addEventListener("htmx:responseError", function (event) {
    var box = alertBox();
    var script = document.querySelector("script[data-error-message]");
    if (!box || !script) return;
    var status = String(event.detail.xhr.status);
    box.textContent = script.getAttribute("data-error-message").replace("%(status)s", status);
    box.hidden = false;
  });

  document.addEventListener("htmx:sendError", function () {
    var box = alertBox();
    var script = document.querySelector("script[data-error-message]");
    if (!box || !script) return;
    box.textContent = script.getAttribute("data-error-message").replace("%(status)s", "network");
    box.hidden = false;
  });
})();
