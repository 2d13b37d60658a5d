// The ballot sheet's QR code opens /selections/sheet/#CODE. What follows "#" never leaves the
// browser (no request, no access log carries it): this script puts it in the code field, takes it
// out of the address bar and the history, and sends the form (a POST) to open the ballot.
// Without JavaScript the voter types the code printed on the sheet.
(function () {
  "use strict";

  function open() {
    var code = (window.location.hash || "").replace(/^#/, "");
    try {
      code = decodeURIComponent(code).trim();
    } catch (e) {
      code = code.trim();
    }
    var form = document.querySelector("[data-sheet-code]");
    if (!code || !form) return;
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
    }
    var field = form.querySelector("input[name=code]");
    if (!field || field.value) return;
    field.value = code;
    form.submit();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", open);
  } else {
    open();
  }
})();
