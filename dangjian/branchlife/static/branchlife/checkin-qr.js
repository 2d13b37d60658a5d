// The check-in code's countdown on the meeting page. The server says how many seconds the code
// shown has left; counting from when this browser first saw it keeps clocks out of it. At zero
// the card asks htmx for the next code at once (besides its 20-second polling).
(function () {
  "use strict";

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-code-seconds]").forEach(function (card) {
      if (!card.dataset.deadline) {
        card.dataset.deadline = String(now + Number(card.dataset.codeSeconds) * 1000);
      }
      var left = Math.max(0, Math.ceil((Number(card.dataset.deadline) - now) / 1000));
      var out = card.querySelector("[data-countdown]");
      if (out) {
        out.textContent = String(left);
      }
      if (left === 0 && !card.dataset.rotating && window.htmx) {
        card.dataset.rotating = "1";
        window.htmx.trigger(card, "rotate-code");
      }
    });
  }

  setInterval(tick, 1000);
  document.addEventListener("DOMContentLoaded", tick);
})();
