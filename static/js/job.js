// A job's page: poll GET /api/jobs/<id> until the job is done or failed, and update the page in place
// (state badge, progress bar, count, step, errors, result and the link it names). Without JavaScript the page's Refresh link works.
(function () {
  "use strict";
  var panel = document.getElementById("job");
  if (!panel) return;
  var FINISHED = { done: true, failed: true };
  var LINK_KEYS = { url: true, link_text: true };
  var INTERVAL = 1000, SLOWEST = 10000;
  var delay = INTERVAL;
  var badge = panel.querySelector("[data-job-state]");
  var bar = panel.querySelector("[data-job-progress]");
  var count = panel.querySelector("[data-job-count]");
  var step = panel.querySelector("[data-job-step]");
  var announce = panel.querySelector("[data-job-announce]");
  var errors = panel.querySelector("[data-job-errors]");
  var result = panel.querySelector("[data-job-result]");
  var linked = panel.querySelector("[data-job-link]");
  var refresh = panel.querySelector("[data-job-refresh]");
  var silent = panel.querySelector("[data-job-silent]");
  var state = panel.dataset.state;

  // A result may name the page to go to next ("url", a path of this site, and "link_text"): shown as a link.
  function resultLink(found) {
    var url = found && found.url, text = found && found.link_text;
    if (typeof url !== "string" || typeof text !== "string" || !text) return null;
    if (url.charAt(0) !== "/" || url.charAt(1) === "/" || url.charAt(1) === "\\") return null;
    return { url: url, text: text };
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, name) { return String(values[name]); });
  }

  function show(job) {
    if (job.state !== state) {
      state = job.state;
      panel.dataset.state = state;
      badge.className = "pill job-state state-" + state;
      badge.textContent = panel.dataset["label" + state.charAt(0).toUpperCase() + state.slice(1)] || state;
      announce.textContent = fill(panel.dataset.announce, { state: badge.textContent });
      if (silent) silent.hidden = true;
    }
    if (job.total > 0) {
      bar.max = job.total;
      bar.value = Math.min(job.done, job.total);
      count.textContent = fill(panel.dataset.count, { done: job.done, total: job.total });
      count.hidden = false;
    } else if (FINISHED[job.state]) {
      bar.max = 1;
      bar.value = 1;
    }
    step.textContent = job.step || "";
    step.hidden = !job.step;
    var list = errors.querySelector("ul");
    list.replaceChildren.apply(list, (job.errors || []).map(function (message) {
      var item = document.createElement("li");
      item.textContent = message;
      return item;
    }));
    errors.hidden = !(job.errors && job.errors.length);
    // A result with a "summary" is shown as that sentence, written for people; its other keys are for scripts.
    var summary = result.querySelector("[data-job-summary]");
    var said = job.result && typeof job.result.summary === "string" ? job.result.summary : "";
    summary.textContent = said;
    summary.hidden = !said;
    var terms = result.querySelector("dl");
    var entries = job.result && !said ? Object.keys(job.result).filter(function (key) { return !LINK_KEYS[key]; }) : [];
    var link = resultLink(job.result);
    var anchor = linked.querySelector("a");
    if (link) {
      anchor.href = link.url;
      anchor.textContent = link.text;
    }
    linked.hidden = !link;
    terms.replaceChildren();
    entries.forEach(function (key) {
      var term = document.createElement("dt");
      var value = document.createElement("dd");
      var raw = job.result[key];
      term.textContent = key;
      value.textContent = typeof raw === "string" ? raw : JSON.stringify(raw);
      terms.append(term, value);
    });
    result.hidden = entries.length === 0 && !said && !link;
    if (FINISHED[job.state] && refresh) refresh.hidden = true;
  }

  function poll() {
    fetch(panel.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (body) {
        delay = INTERVAL;
        show(body);
        if (!FINISHED[body.state]) window.setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, SLOWEST);  // the server restarting, or the network gone: ask less often
        window.setTimeout(poll, delay);
      });
  }

  if (!FINISHED[state]) window.setTimeout(poll, INTERVAL);
})();
