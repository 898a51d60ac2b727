// Search as you type in long lists. A <select data-picker> (one choice, or several with
// `multiple`) gets a text box that filters its options by every word typed; a tap picks
// one (Enter picks the first). The select stays the form's field and is only hidden, so
// without JavaScript the form is a plain list and works the same.
(function () {
  "use strict";
  var SHOWN = 8;

  function words(text) {
    return text.toLowerCase().split(/\s+/).filter(function (word) { return word; });
  }

  function enhance(select) {
    var multiple = select.multiple;
    var box = document.createElement("div");
    box.className = "picker";
    var chips = document.createElement("ul");
    chips.className = "picker-chips";
    var input = document.createElement("input");
    input.type = "search";
    input.autocomplete = "off";
    input.className = "picker-input";
    input.id = (select.id || select.name) + "-search";
    input.placeholder = select.getAttribute("data-picker") || "Type a name";
    var results = document.createElement("ul");
    results.className = "picker-results";
    results.setAttribute("role", "listbox");
    var label = select.id ? document.querySelector("label[for='" + select.id + "']") : null;
    if (label) label.htmlFor = input.id;
    else input.setAttribute("aria-label", select.name);
    results.setAttribute("aria-label", input.placeholder);
    box.appendChild(chips);
    box.appendChild(input);
    box.appendChild(results);
    select.parentNode.insertBefore(box, select.nextSibling);
    select.hidden = true;
    select.style.display = "none";  // over any stylesheet that shows selects

    function choices() {
      return Array.prototype.filter.call(select.options, function (option) {
        return option.value !== "";
      });
    }

    function changed() {
      select.dispatchEvent(new Event("change", {bubbles: true}));
      show();
    }

    function show() {
      chips.textContent = "";
      if (!multiple) {
        var chosen = select.selectedOptions[0];
        if (chosen && chosen.value && document.activeElement !== input) input.value = chosen.text;
        return;
      }
      Array.prototype.forEach.call(select.selectedOptions, function (option) {
        var chip = document.createElement("li");
        chip.textContent = option.text + " ";
        var remove = document.createElement("button");
        remove.type = "button";
        remove.textContent = "×";
        remove.setAttribute("aria-label", "Remove " + option.text);
        remove.addEventListener("click", function () {
          option.selected = false;
          changed();
        });
        chip.appendChild(remove);
        chips.appendChild(chip);
      });
    }

    function pick(option) {
      if (multiple) {
        option.selected = true;
        input.value = "";
      } else {
        select.value = option.value;
        input.value = option.text;
      }
      results.textContent = "";
      changed();
      input.focus();
    }

    function matches() {
      var wanted = words(input.value);
      if (!wanted.length) return [];
      return choices().filter(function (option) {
        var text = option.text.toLowerCase();
        return !(multiple && option.selected) && wanted.every(function (word) {
          return text.indexOf(word) >= 0;
        });
      }).slice(0, SHOWN);
    }

    input.addEventListener("input", function () {
      if (!multiple && !input.value.trim()) select.value = "";
      results.textContent = "";
      matches().forEach(function (option) {
        var row = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.setAttribute("role", "option");
        button.textContent = option.text;
        button.addEventListener("click", function () { pick(option); });
        row.appendChild(button);
        results.appendChild(row);
      });
    });
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      event.preventDefault();
      var first = matches()[0];
      if (first) pick(first);
    });
    show();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-picker]").forEach(enhance);
  });
})();
