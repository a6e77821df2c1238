// Follows a report being generated (its state and progress) and reloads the page when it is ready or failed.
(function () {
  var box = document.getElementById("report-progress");
  if (!box || box.dataset.done) return;
  var bar = box.querySelector("progress");
  var state = box.querySelector("[data-testid=report-state]");
  var percent = box.querySelector("[data-testid=report-progress]");
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        bar.value = data.progress;
        state.textContent = data.state_label;
        percent.textContent = data.progress;
        if (data.done) { window.location.reload(); } else { setTimeout(poll, 1500); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
