// Muster pages: Enter checks in the first match; ticking people to mark missing.
(function () {
  "use strict";

  // Enter checks in the first match of what is typed now: while the answer for the last
  // letters is still on its way, the list on screen is for an older query and its first
  // person may be someone else, so Enter waits for the answer that matches.
  var enterPending = false;

  function checkInFirstIfCurrent() {
    var q = document.getElementById("muster-q");
    var list = document.querySelector("#results ul.results");
    if (!q || !list || list.dataset.query !== q.value.trim()) return false;
    // Swapped in but not yet settled, htmx has not wired the forms: a click would submit
    // one natively (a page reload that checks nobody in). Wire them first.
    if (window.htmx) window.htmx.process(list);
    var first = list.querySelector("form.check-in:not(.done) button");
    if (first) first.click();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.target.id !== "muster-q") return;
    event.preventDefault();
    enterPending = !checkInFirstIfCurrent();
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    if (enterPending && event.detail.target && event.detail.target.id === "results") {
      enterPending = !checkInFirstIfCurrent();
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (form.classList && form.classList.contains("check-in") && event.detail.successful) {
      form.classList.add("done");
      var q = document.getElementById("muster-q");
      q.value = "";
      q.focus();
      document.getElementById("results").innerHTML = "";
      document.body.dispatchEvent(new Event("checked-in"));
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("mark-missing");
    if (!form) return;
    var boxes = form.querySelectorAll("input[name=person]:not([disabled])");
    var count = document.getElementById("ticked-count");
    function ticked() { return form.querySelectorAll("input[name=person]:checked").length; }
    function update() { if (count) count.textContent = ticked(); }
    form.addEventListener("change", update);
    form.querySelectorAll("[data-tick]").forEach(function (button) {
      button.addEventListener("click", function () {
        boxes.forEach(function (box) { box.checked = button.dataset.tick === "all"; });
        update();
      });
    });
    form.addEventListener("submit", function (event) {
      var all = event.submitter && event.submitter.name === "all";
      var n = ticked();
      if (!all && n === 0) {
        event.preventDefault();
        // The wording comes from the page, in the reader's language.
        window.alert(form.dataset.noneTicked || "Tick at least one person to mark missing.");
        return;
      }
      var some = (form.dataset.confirmSome || "Mark {n} people missing?").replace("{n}", n);
      if (!window.confirm(all ? (form.dataset.confirmAll || "Mark everyone who can be marked missing?") : some)) {
        event.preventDefault();
      }
    });
  });
})();
