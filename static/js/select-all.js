// A "select all" box for lists of checkboxes: <input type="checkbox" data-select-all="NAME">
// toggles every checkbox named NAME in the same form. Hidden until this script runs, so the
// page without JavaScript shows no control that does nothing.
(function () {
  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    var form = all.form || all.closest("form");
    if (!form) return;
    var name = all.getAttribute("data-select-all");
    var boxes = function () {
      return Array.prototype.slice.call(form.querySelectorAll('input[type="checkbox"][name="' + name + '"]'));
    };
    var wrapper = all.closest("[hidden]");
    if (wrapper) wrapper.hidden = false;
    all.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = all.checked; });
    });
    form.addEventListener("change", function (event) {
      if (event.target === all || event.target.name !== name) return;
      var list = boxes();
      var checked = list.filter(function (box) { return box.checked; }).length;
      all.checked = checked === list.length;
      all.indeterminate = checked > 0 && checked < list.length;
    });
  });
})();
