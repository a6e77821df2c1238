// On wide screens the directory's filters are open from the start; on phones they stay behind
// the "Filters (n)" button (a <details>, so it also works without this script).
(function () {
  if (!window.matchMedia("(min-width: 48rem)").matches) return;
  document.querySelectorAll("details[data-open-wide]").forEach(function (d) { d.open = true; });
})();
