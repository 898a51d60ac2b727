// Haven's page behaviours, kept out of the templates so the Content-Security-Policy can
// forbid inline script. Markup asks for them with data attributes:
//   <form data-confirm="Sure?">         asks before submitting
//   <form data-no-submit>               never submits itself (htmx drives it)
//   <select data-autosubmit>            submits its form when changed
//   <button data-print>                 prints the page
//   <button data-check-all="person">    ticks every box named "person" in its form
//   <button data-check-none="person">   unticks them
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (form.hasAttribute("data-no-submit")) { event.preventDefault(); return; }
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("button") : null;
    if (!button) return;
    if (button.hasAttribute("data-print")) { window.print(); return; }
    var name = button.getAttribute("data-check-all") || button.getAttribute("data-check-none");
    if (name && button.form) {
      var checked = button.hasAttribute("data-check-all");
      button.form.querySelectorAll("input[type=checkbox]").forEach(function (box) {
        if (box.name === name && !box.disabled) box.checked = checked;
      });
    }
  });

  // On a phone the menu scrolls sideways: keep the current page's entry in view.
  document.addEventListener("DOMContentLoaded", function () {
    var here = document.querySelector(".menu a.active");
    if (here && here.scrollIntoView) here.scrollIntoView({block: "nearest", inline: "center"});
    // A table wider than a phone scrolls in its card; one without a link or button in it
    // must take the keyboard's focus itself, or its hidden columns are out of reach.
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth && !wrap.querySelector("a, button, input, select, textarea")) {
        wrap.setAttribute("tabindex", "0");
      }
    });
  });
})();
