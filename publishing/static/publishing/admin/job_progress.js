// Keeps job progress bars live in the admin: polls the progress endpoint
// while any shown job is queued or running, then reloads once it ends so the
// page shows the final state, the result link and the whole log.
(function () {
  "use strict";
  var ACTIVE = { queued: true, running: true };
  var INTERVAL_MS = 2000;

  function bars() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-job-progress]"));
  }

  function update(bar, state) {
    var progress = bar.querySelector("progress");
    var label = bar.querySelector(".job-progress-label");
    if (progress) { progress.value = state.progress; }
    if (label) { label.textContent = state.progress + "%"; }
    bar.setAttribute("data-status", state.status);
    if (state.log !== undefined) {
      var log = document.querySelector('[data-job-log="' + state.id + '"]');
      if (log && log.textContent !== state.log) {
        var atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
        log.textContent = state.log;
        if (atBottom) { log.scrollTop = log.scrollHeight; }
      }
    }
  }

  function poll() {
    var active = bars().filter(function (bar) { return ACTIVE[bar.getAttribute("data-status")]; });
    if (!active.length) { return; }
    var single = document.querySelector("[data-job-log]") && active.length === 1;
    var url;
    if (single) {
      url = active[0].getAttribute("data-url");
    } else {
      var ids = active.map(function (bar) { return bar.getAttribute("data-job-progress"); });
      url = active[0].getAttribute("data-url").replace(/\d+\/progress\/$/, "progress/") + "?ids=" + ids.join(",");
    }
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        var states = data.jobs || [data];
        var finished = false;
        states.forEach(function (state) {
          var bar = document.querySelector('[data-job-progress="' + state.id + '"]');
          if (!bar) { return; }
          update(bar, state);
          if (state.finished) { finished = true; }
        });
        if (finished) { window.location.reload(); return; }
        window.setTimeout(poll, INTERVAL_MS);
      })
      .catch(function () { window.setTimeout(poll, INTERVAL_MS * 3); });
  }

  document.addEventListener("DOMContentLoaded", function () { window.setTimeout(poll, INTERVAL_MS); });
})();
