/* Soridam live chat widget. Embed with:
 *   <script src="https://support.example.kr/static/chat/widget.js" data-api="https://support.example.kr"
 *           data-lang="ko" data-name="" data-email="" defer></script>
 * Protocol: README, "Live chat". Customer and agent text is only ever set as textContent, never as HTML.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var api = (script.getAttribute("data-api") || new URL(script.src).origin).replace(/\/$/, "");
  var lang = (script.getAttribute("data-lang") || navigator.language || "ko").slice(0, 2) === "en" ? "en" : "ko";
  var T = {
    ko: {
      open: "채팅 상담", close: "닫기", title: "채팅 상담", send: "보내기", placeholder: "메시지를 입력하세요",
      person: "상담원 연결", personText: "상담원 연결해 주세요", bot: "자동 응답", typing: "님이 입력하고 있어요…",
      agentTyping: "상담원이 입력하고 있어요…", connecting: "연결하는 중…", reconnecting: "다시 연결하는 중…",
      polling: "연결이 불안정해 느린 방식으로 주고받고 있어요.", failed: "채팅을 시작하지 못했어요. 잠시 후 다시 시도해 주세요.",
      source: "출처", waiting: "상담원 연결 대기 중", joined: "상담원 연결됨", offline: "이메일로 답변 드릴게요",
      intro: "자동 응답 봇이 먼저 답해 드려요. 언제든 상담원을 요청할 수 있어요."
    },
    en: {
      open: "Chat with us", close: "Close", title: "Chat", send: "Send", placeholder: "Type a message",
      person: "Talk to a person", personText: "I would like to talk to a person", bot: "Automated", typing: " is typing…",
      agentTyping: "The agent is typing…", connecting: "Connecting…", reconnecting: "Reconnecting…",
      polling: "The connection is unstable; messages are exchanged more slowly.", failed: "The chat could not start. Please try again later.",
      source: "Source", waiting: "Waiting for a person", joined: "A person joined", offline: "We will answer by e-mail",
      intro: "An automated assistant answers first. You can ask for a person at any time."
    }
  }[lang];
  var KEY = "soridam-chat:" + api;
  var state = JSON.parse(sessionStorage.getItem(KEY) || "null"); // {session_id, token, ws_url}: survives a reload
  var lastSeq = 0; // the last frame shown on this page: a reload shows the whole transcript again
  var pending = []; // messages not yet acknowledged: [{client_id, text}]
  var shown = {}; // seq -> true: a frame seen twice (resume, echo) is shown once
  var ws = null, attempts = 0, pollTimer = null, typingTimer = null, lastTyping = 0;

  var root = el("div", "sd-chat");
  var launcher = el("button", "sd-launch", T.open);
  launcher.type = "button";
  launcher.setAttribute("aria-expanded", "false");
  var panel = el("section", "sd-panel");
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", T.title);
  panel.hidden = true;
  var head = el("header", "sd-head");
  head.appendChild(el("strong", "", T.title));
  var closer = el("button", "sd-close", "×");
  closer.type = "button";
  closer.setAttribute("aria-label", T.close);
  head.appendChild(closer);
  var status = el("p", "sd-status");
  status.setAttribute("role", "status");
  var log = el("ol", "sd-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.tabIndex = 0;
  var typing = el("p", "sd-typing");
  typing.setAttribute("aria-live", "polite");
  var form = el("form", "sd-form");
  var input = el("textarea", "sd-input");
  input.rows = 2;
  input.placeholder = T.placeholder;
  input.setAttribute("aria-label", T.placeholder);
  var send = el("button", "sd-send", T.send);
  send.type = "submit";
  var person = el("button", "sd-person", T.person);
  person.type = "button";
  form.appendChild(input);
  form.appendChild(send);
  [head, status, log, typing, form, person].forEach(function (n) { panel.appendChild(n); });
  root.appendChild(panel);
  root.appendChild(launcher);
  style();
  document.body.appendChild(root);

  launcher.addEventListener("click", function () { toggle(panel.hidden); });
  closer.addEventListener("click", function () { toggle(false); });
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") toggle(false); });
  form.addEventListener("submit", function (e) { e.preventDefault(); submit(input.value); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(input.value); }
  });
  input.addEventListener("input", function () {
    if (Date.now() - lastTyping > 2000 && ws && ws.readyState === 1) { lastTyping = Date.now(); ws.send('{"type":"typing"}'); }
  });
  person.addEventListener("click", function () { submit(T.personText); });

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function toggle(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    if (open) { input.focus(); start(); } else { launcher.focus(); }
  }

  function start() {
    if (state) { connect(); return; }
    if (start.busy) return;
    start.busy = true;
    status.textContent = T.connecting;
    var body = { language: lang, name: script.getAttribute("data-name") || "", email: script.getAttribute("data-email") || "" };
    fetch(api + "/api/v1/chat/sessions", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(function (r) { if (r.status !== 201) throw new Error(r.status); return r.json(); })
      .then(function (s) { state = { session_id: s.session_id, token: s.token, ws_url: s.ws_url }; save(); system(T.intro); connect(); })
      .catch(function () { status.textContent = T.failed; })
      .then(function () { start.busy = false; });
  }

  function save() { sessionStorage.setItem(KEY, JSON.stringify(state)); }

  function connect() {
    if (ws && ws.readyState < 2) return;
    if (!window.WebSocket || attempts > 5) { poll(); return; }
    ws = new WebSocket(state.ws_url);
    ws.onopen = function () {
      attempts = 0;
      status.textContent = "";
      ws.send(JSON.stringify({ type: "resume", after: lastSeq }));
      pending.forEach(function (m) { ws.send(JSON.stringify({ type: "message", client_id: m.client_id, text: m.text })); });
    };
    ws.onmessage = function (e) { receive(JSON.parse(e.data)); };
    ws.onclose = function (e) {
      if (e.code === 4401 || e.code === 4403) { sessionStorage.removeItem(KEY); state = null; status.textContent = T.failed; return; }
      attempts += 1;
      status.textContent = T.reconnecting;
      // Exponential backoff with jitter, so a server restart is not met by every widget at once.
      setTimeout(connect, Math.min(30000, 500 * Math.pow(2, attempts)) * (0.5 + Math.random()));
    };
  }

  function poll() {
    if (pollTimer) return;
    status.textContent = T.polling;
    var url = api + "/api/v1/chat/sessions/" + state.session_id + "/messages";
    var auth = { Authorization: "Bearer " + state.token, "Content-Type": "application/json" };
    pollTimer = setInterval(function () {
      pending.forEach(function (m) {
        fetch(url, { method: "POST", headers: auth, body: JSON.stringify(m) }).then(function (r) { return r.json(); }).then(receive);
      });
      fetch(url + "?after=" + lastSeq, { headers: auth }).then(function (r) { return r.json(); })
        .then(function (data) { (data.messages || []).forEach(receive); });
    }, 2000);
  }

  function submit(text) {
    text = text.trim();
    if (!text) return;
    var message = { client_id: uuid(), text: text };
    pending.push(message);
    input.value = "";
    // Typed before the chat session exists (its POST is still under way): kept in `pending`, which the socket
    // sends as soon as it opens. Dropping it here lost the visitor's first message on a slow start.
    if (!state) { start(); return; }
    if (ws && ws.readyState === 1) ws.send(JSON.stringify({ type: "message", client_id: message.client_id, text: text }));
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }

  function receive(frame) {
    if (frame.type === "ack") { pending = pending.filter(function (m) { return m.client_id !== frame.client_id; }); return; }
    if (frame.type === "typing") { showTyping(frame); return; }
    if (frame.type === "error") { status.textContent = frame.message || frame.code; return; }
    if (!frame.seq || shown[frame.seq]) return;
    shown[frame.seq] = true;
    lastSeq = Math.max(lastSeq, frame.seq);
    if (frame.type === "handover") { handover(frame); return; }
    if (frame.type === "message") message(frame);
  }

  function message(frame) {
    var item = el("li", "sd-msg sd-" + frame.author);
    var who = frame.author === "bot" ? T.bot : frame.author === "agent" ? frame.name : "";
    if (who) item.appendChild(el("span", "sd-who", who));
    item.appendChild(el("p", "sd-text", frame.text));
    (frame.sources || []).forEach(function (s) {
      if (!/^(\/|https?:\/\/)/.test(s.url)) return; // only our links: never javascript: or data:
      var link = el("a", "sd-source", T.source + ": " + s.title);
      link.href = s.url.charAt(0) === "/" ? api + s.url : s.url;
      link.target = "_blank";
      link.rel = "noopener";
      item.appendChild(link);
    });
    append(item);
    typing.textContent = "";
  }

  function handover(frame) {
    var label = { waiting: T.waiting, agent_joined: T.joined, offline: T.offline }[frame.state] || "";
    status.textContent = label;
    panel.setAttribute("data-handover", frame.state);
    system(frame.text);
  }

  function system(text) { append(el("li", "sd-msg sd-system", text)); }

  function append(item) { log.appendChild(item); log.scrollTop = log.scrollHeight; }

  function showTyping(frame) {
    typing.textContent = frame.author === "agent" ? (frame.name ? frame.name + T.typing : T.agentTyping) : "";
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { typing.textContent = ""; }, 4000);
  }

  function style() {
    var css = ".sd-chat{position:fixed;right:1rem;bottom:1rem;z-index:2147483000;font:14px/1.5 system-ui,sans-serif}" +
      ".sd-launch,.sd-send,.sd-person{background:#1d4ed8;color:#fff;border:0;border-radius:.5rem;padding:.6rem 1rem;cursor:pointer}" +
      ".sd-chat button:focus-visible,.sd-input:focus-visible,.sd-log:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}" +
      ".sd-panel{width:min(22rem,90vw);height:30rem;display:flex;flex-direction:column;background:#fff;color:#111;border:1px solid #cbd5e1;border-radius:.75rem;margin-bottom:.5rem;box-shadow:0 8px 24px #0003}" +
      ".sd-panel[hidden]{display:none}.sd-head{display:flex;justify-content:space-between;padding:.5rem .75rem;border-bottom:1px solid #e2e8f0}" +
      ".sd-close{background:none;border:0;font-size:1.25rem;cursor:pointer}.sd-status,.sd-typing{margin:0;padding:0 .75rem;color:#475569;font-size:12px;min-height:1em}" +
      ".sd-log{flex:1;overflow:auto;list-style:none;margin:0;padding:.5rem .75rem}.sd-msg{margin:.4rem 0;padding:.4rem .6rem;border-radius:.5rem;background:#f1f5f9;white-space:pre-wrap}" +
      ".sd-customer{background:#dbeafe;margin-left:2rem}.sd-system{background:none;color:#475569;font-size:12px;text-align:center}" +
      ".sd-who{display:block;font-size:11px;color:#475569}.sd-text{margin:0}.sd-source{display:block;font-size:12px;color:#1d4ed8}" +
      ".sd-form{display:flex;gap:.5rem;padding:.5rem .75rem}.sd-input{flex:1;resize:none;font:inherit}.sd-person{margin:0 .75rem .75rem;background:#475569}";
    var tag = document.createElement("style");
    tag.textContent = css;
    document.head.appendChild(tag);
  }
})();
