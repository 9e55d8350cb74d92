// The byte count under the composer of a case answered by text message. Carriers count EUC-KR: ASCII is
// 1 byte, a Hangul syllable 2. This is a guide only; the server checks the exact rule (channels/sms/text.py)
// and refuses emoji and rare syllables with the reason.
(function () {
  function size(text) {
    let bytes = 0;
    for (const char of text) bytes += char.codePointAt(0) < 0x80 ? 1 : 2;
    return bytes;
  }
  function update(output) {
    const box = document.getElementById(output.dataset.smsCounter);
    if (!box) return;
    const bytes = size(box.value);
    output.textContent = bytes + " / " + (bytes <= 90 ? "90 (SMS)" : "2000 (LMS)");
    output.classList.toggle("field-error", bytes > 2000);
  }
  document.addEventListener("input", function (event) {
    document.querySelectorAll("output[data-sms-counter]").forEach(function (output) {
      if (event.target.id === output.dataset.smsCounter) update(output);
    });
  });
  document.addEventListener("htmx:afterSwap", function () {
    document.querySelectorAll("output[data-sms-counter]").forEach(update);
  });
  document.querySelectorAll("output[data-sms-counter]").forEach(update);
})();
