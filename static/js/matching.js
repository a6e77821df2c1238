// Polls a running optimiser run and reloads the page when it is done.
(function () {
  var box = document.getElementById("run-progress");
  if (!box || box.dataset.done) return;
  var bar = box.querySelector("progress");
  var spans = box.querySelectorAll("span");
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        bar.value = data.progress;
        spans[0].textContent = data.status_label;
        spans[1].textContent = data.progress;
        if (data.done) { window.location.reload(); } else { setTimeout(poll, 1500); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
