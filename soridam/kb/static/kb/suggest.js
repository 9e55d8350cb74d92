// Help-article suggestions as the customer types (kb/_search_box.html, kb/_form_suggestions.html).
// htmx fetches the fragment; this file adds the keyboard, the live-region count and the deflection beacon.
(function () {
  "use strict";
  if (window.soridamKbSuggest) { return; }
  window.soridamKbSuggest = true;

  function options(box) { return Array.from(box.querySelectorAll("[role=option]")); }

  function sourceOf(box) {
    var id = box.getAttribute("data-kb-source");
    return id ? document.getElementById(id) : box.querySelector("[data-kb-combobox]");
  }

  // The complaint form's wrapper asks with the text field's value as q.
  document.addEventListener("htmx:configRequest", function (event) {
    var box = event.detail.elt;
    if (!box.hasAttribute || !box.hasAttribute("data-kb-source")) { return; }
    var field = sourceOf(box);
    event.detail.parameters = { q: field ? field.value.slice(-400) : "" };
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var box = event.detail.target.closest("[data-kb-suggest]");
    if (!box) { return; }
    var count = box.querySelector("[data-kb-count]");
    var status = box.querySelector("[data-kb-status]");
    if (status) { status.textContent = count ? count.getAttribute("data-kb-count") : ""; }
    if (box.hasAttribute("data-kb-source")) { rovingTabindex(box); }
    var combobox = box.querySelector("[data-kb-combobox]");
    if (combobox) {
      combobox.setAttribute("aria-expanded", options(box).length ? "true" : "false");
      combobox.removeAttribute("aria-activedescendant");
    }
  });

  // The form's list is one tab stop: Tab enters it at the first article and leaves it for the next field.
  function rovingTabindex(box) {
    box.querySelectorAll("[role=option] a").forEach(function (link, i) { link.tabIndex = i === 0 ? 0 : -1; });
  }

  function activate(box, combobox, index) {
    var all = options(box);
    if (!all.length) { return; }
    index = (index + all.length) % all.length;
    all.forEach(function (option, i) { option.setAttribute("aria-selected", i === index ? "true" : "false"); });
    combobox.setAttribute("aria-activedescendant", all[index].id);
    all[index].scrollIntoView({ block: "nearest" });
  }

  function activeIndex(box) {
    return options(box).findIndex(function (option) { return option.getAttribute("aria-selected") === "true"; });
  }

  function close(box, combobox) {
    box.querySelector("[data-kb-results]").innerHTML = "";
    combobox.setAttribute("aria-expanded", "false");
    combobox.removeAttribute("aria-activedescendant");
  }

  // The help-centre search box: a combobox whose focus stays in the input (aria-activedescendant).
  function onComboboxKey(event, combobox) {
    var box = combobox.closest("[data-kb-suggest]");
    var index = activeIndex(box);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      activate(box, combobox, index + (event.key === "ArrowDown" ? 1 : index < 0 ? 0 : -1));
    } else if (event.key === "Enter" && index >= 0) {
      event.preventDefault();
      options(box)[index].querySelector("a").click();
    } else if (event.key === "Escape") {
      close(box, combobox);
    }
  }

  // The complaint form's list: Tab reaches the links, arrows move between them, Esc returns to the text.
  function onListKey(event, link) {
    var box = link.closest("[data-kb-suggest]");
    var links = Array.from(box.querySelectorAll("[role=option] a"));
    var index = links.indexOf(link);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      var next = links[(index + (event.key === "ArrowDown" ? 1 : -1) + links.length) % links.length];
      links.forEach(function (other) { other.tabIndex = other === next ? 0 : -1; });
      next.focus();
    } else if (event.key === "Escape") {
      var field = sourceOf(box);
      if (field) { field.focus(); }
    }
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    if (target.hasAttribute("data-kb-combobox")) { onComboboxKey(event, target); return; }
    if (target.matches("[data-kb-source] [role=option] a")) { onListKey(event, target); }
  });

  // Sending the complaint after opening suggested articles means they did not deflect it. A beacon survives
  // the page unloading; the CSRF token travels in the body because a beacon cannot set headers.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var box = form.querySelector && form.querySelector("[data-kb-sent-url]");
    if (!box || !navigator.sendBeacon) { return; }
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var body = new FormData();
    if (token) { body.append("csrfmiddlewaretoken", token.value); }
    navigator.sendBeacon(box.getAttribute("data-kb-sent-url"), body);
  });
})();
