// What our pages ask of the browser, wired by data attributes: the Content-Security-Policy allows
// no inline script, no inline event handler (onchange=…) and no style attribute
// (docs/architecture.md, "Security headers"). Loaded on every page by ui/base.html.
(function () {
  "use strict";

  // <select data-autosubmit>: choosing an option sends its form (the language switch, the
  // organisation pickers). Without JavaScript the form's own button does it.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof Element && field.matches("[data-autosubmit]") && field.form) field.form.submit();
  });

  // <form data-confirm-submit="question">: sent only once the question is answered yes.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof Element)) return;
    var question = form.getAttribute("data-confirm-submit");
    if (question && !window.confirm(question)) event.preventDefault();
  });

  // <div class="progress-bar" data-percent="40">: the width goes in through the CSSOM, which the
  // policy allows; a style="width: 40%" attribute it would refuse. Progress partials are swapped
  // in by htmx every second, hence also on htmx:load.
  function setWidths(root) {
    var bars = Array.prototype.slice.call(root.querySelectorAll("[data-percent]"));
    if (root.matches && root.matches("[data-percent]")) bars.push(root);
    bars.forEach(function (bar) {
      var percent = Math.max(0, Math.min(100, parseFloat(bar.getAttribute("data-percent")) || 0));
      bar.style.width = percent + "%";
    });
  }
  document.addEventListener("htmx:load", function (event) { setWidths(event.detail.elt); });

  // htmx swaps no error answer, so a tap (an attendance mark) that was refused would seem to do
  // nothing. A busy database's 503 page (ui/busy.html) and the error pages (pages/errors.py:
  // 403, 404, 500 …) each mark their notice ([data-busy], [data-error]): it is shown at the top
  // of this page instead, replacing an earlier one.
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr || xhr.status < 400) return;
    var notice = new DOMParser().parseFromString(xhr.responseText, "text/html").querySelector("[data-busy], [data-error]");
    var place = document.querySelector(".page-wrapper .container-xl");
    if (!notice || !place) return;
    var earlier = place.querySelector("[data-busy], [data-error]");
    if (earlier) earlier.remove();
    notice.classList.add("border", "rounded", "mb-3");
    place.insertBefore(document.adoptNode(notice), place.firstChild);
    notice.scrollIntoView({ block: "nearest" });
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setWidths(document); });
  } else {
    setWidths(document);
  }
})();
