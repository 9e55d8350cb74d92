/* The case page's live chat panel: the transcript as it happens, the customer's typing, and the other agents
 * viewing or typing on this case (collision). Replies are sent with the page's own composer. */
(function () {
  "use strict";
  var panel = document.getElementById("live-chat");
  if (!panel || !window.WebSocket) return;
  var log = panel.querySelector(".live-transcript");
  var typing = panel.querySelector(".live-typing");
  var collision = panel.querySelector(".collision");
  var others = {}; // name -> "viewing" | "typing"
  var seq = 0, attempts = 0, ws = null, lastTyping = 0, typingTimer = null;

  function connect() {
    ws = new WebSocket(panel.getAttribute("data-socket"));
    ws.onopen = function () { attempts = 0; ws.send(JSON.stringify({ type: "resume", after: seq })); };
    ws.onmessage = function (e) { receive(JSON.parse(e.data)); };
    ws.onclose = function (e) {
      if (e.code === 4401 || e.code === 4403) return;
      attempts += 1;
      setTimeout(connect, Math.min(30000, 500 * Math.pow(2, attempts)) * (0.5 + Math.random()));
    };
  }

  function receive(frame) {
    if (frame.type === "presence") { presence(frame); return; }
    if (frame.type === "typing") {
      typing.textContent = panel.getAttribute("data-customer-typing");
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { typing.textContent = ""; }, 4000);
      return;
    }
    if (!frame.seq || frame.seq <= seq) return;
    seq = frame.seq;
    var item = document.createElement("li");
    item.className = "live-" + (frame.author || "system");
    var who = frame.author ? (frame.name || frame.author) + ": " : "";
    item.textContent = who + frame.text; // never HTML: customer text
    log.appendChild(item);
    typing.textContent = "";
  }

  function presence(frame) {
    if (frame.state === "left") delete others[frame.name]; else others[frame.name] = frame.state;
    var names = Object.keys(others);
    collision.hidden = names.length === 0;
    collision.textContent = panel.getAttribute("data-also-here") + " " + names.map(function (n) {
      return n + " (" + panel.getAttribute("data-" + others[n]) + ")";
    }).join(", ");
  }

  // The composer says the chat was shown live while the socket is open, so a reply is not held for chat
  // messages the agent watched arrive (workspace/held.py); other changes to the case still hold it.
  // Capture phase: this runs before htmx reads the form's fields.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form || form.id !== "composer") return;
    var field = form.querySelector('input[name="live_chat"]');
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = "live_chat";
      form.appendChild(field);
    }
    field.value = ws && ws.readyState === 1 ? "on" : "";
  }, true);

  document.addEventListener("input", function (e) {
    if (!e.target.matches || !e.target.matches("textarea")) return;
    if (Date.now() - lastTyping > 2000 && ws && ws.readyState === 1) {
      lastTyping = Date.now();
      ws.send('{"type":"typing"}');
    }
  });
  connect();
})();
