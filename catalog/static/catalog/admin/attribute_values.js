/* Attribute value rows: show only the value column that the chosen
   attribute's type uses, and the language only for per-language ones. */
(function () {
  "use strict";
  var VALUE_FIELDS = ["value_text", "value_number", "value_bool", "value_date", "option", "options"];

  function update(select) {
    var row = select.closest("tr");
    if (!row) { return; }
    var chosen = select.options[select.selectedIndex];
    var target = chosen ? chosen.getAttribute("data-value-field") : null;
    var localizable = chosen ? chosen.getAttribute("data-localizable") === "1" : false;
    VALUE_FIELDS.forEach(function (name) {
      var cell = row.querySelector("td.field-" + name);
      if (cell) { cell.classList.toggle("catalog-unused", Boolean(target) && target !== name); }
    });
    var language = row.querySelector("td.field-language_code");
    if (language) { language.classList.toggle("catalog-unused", Boolean(target) && !localizable); }
  }

  function bind(root) {
    root.querySelectorAll("select[data-attribute-select]").forEach(function (select) {
      if (select.dataset.bound) { return; }
      select.dataset.bound = "1";
      select.addEventListener("change", function () { update(select); });
      update(select);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    // Unused cells stay in place (columns keep their alignment) but collapse.
    var style = document.createElement("style");
    style.textContent = "td.catalog-unused > * { display: none !important; }";
    document.head.appendChild(style);
    bind(document);
  });
  document.addEventListener("formset:added", function (event) { bind(event.target || document); });
})();
