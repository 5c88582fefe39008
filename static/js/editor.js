// The email editor: a line-numbered, highlighted MJML field and a live preview through POST /api/preview.
// The page works without this file (it is a plain form, and the server renders the first preview);
// this adds re-rendering as you type, the error line in the gutter and jumping to a check's line.
// Every text from the server or the author is set with textContent or escaped first, never as markup;
// the email itself only ever goes into the sandboxed iframe's srcdoc.
(function () {
  "use strict";

  const root = document.querySelector("[data-email-editor]");
  if (!root) return;

  const DEBOUNCE_MS = 300;
  const HIGHLIGHT_MAX_CHARS = 150000; // beyond this, highlighting every keystroke would make typing lag
  const RENDER_CODES = /^(mjml-|merge-tag-invalid$)/;

  const editing = root.dataset.editing === "1";
  const form = root.querySelector("[data-editor-form]");
  const subject = document.getElementById("subject");
  const preheader = document.getElementById("preheader");
  const source = document.getElementById("mjml");
  const textOverride = document.getElementById("text_override");

  const frame = root.querySelector("[data-preview-frame]");
  const frameBox = root.querySelector("[data-device-frame]");
  const statusEl = root.querySelector("[data-preview-status]");
  const errorBox = root.querySelector("[data-render-error]");
  const errorList = root.querySelector("[data-render-error-list]");
  const errorKeep = root.querySelector("[data-render-error-keep]");
  const checkList = root.querySelector("[data-check-list]");
  const countError = root.querySelector("[data-count-error]");
  const countWarning = root.querySelector("[data-count-warning]");
  const plainText = root.querySelector("[data-plain-text]");
  const inboxSubject = root.querySelector("[data-inbox-subject]");
  const inboxPreheader = root.querySelector("[data-inbox-preheader]");
  const dirtyNote = root.querySelector("[data-dirty-note]");

  // --- the code field: gutter, highlighted copy, a band on the current or error line ----------

  const code = root.querySelector("[data-code-editor]");
  const gutter = code.querySelector(".code-gutter");
  const lines = code.querySelector("[data-code-lines]");
  const highlight = code.querySelector("[data-code-highlight]");
  const highlightBox = highlight.parentElement;
  const band = code.querySelector("[data-code-band]");
  const lineHeight = () => parseFloat(getComputedStyle(source).lineHeight) || 20;
  const padTop = () => parseFloat(getComputedStyle(source).paddingTop) || 0;

  let dirty = false; // typed since the page loaded or was saved
  let lineCount = 0;
  let marked = { error: [], warning: [] };
  let bandLine = null;

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }

  function span(kind, text) {
    return '<span class="tok-' + kind + '">' + escapeHtml(text) + "</span>";
  }

  // Merge tags inside a stretch of text or an attribute value.
  function withMergeTags(text, kind) {
    let out = "";
    let last = 0;
    const tags = /\{\{[\s\S]*?(?:\}\}|$)|\{%[\s\S]*?(?:%\}|$)/g;
    for (let m; (m = tags.exec(text)); ) {
      if (!m[0]) break;
      out += kind ? span(kind, text.slice(last, m.index)) : escapeHtml(text.slice(last, m.index));
      out += span("merge", m[0]);
      last = tags.lastIndex;
    }
    const rest = text.slice(last);
    return out + (kind ? span(kind, rest) : escapeHtml(rest));
  }

  function highlightTag(name, attrs, end) {
    let out = span(/^<\/?(mjml|mj-)/i.test(name) ? "mj" : "tag", name);
    const parts = /(\s+)|([^\s=]+)(\s*=\s*)?("[^"]*"?|'[^']*'?|[^\s"']+)?/g;
    for (let m; (m = parts.exec(attrs)); ) {
      if (!m[0]) break;
      if (m[1]) { out += m[1]; continue; }
      out += span("attr", m[2]);
      if (m[3]) out += escapeHtml(m[3]);
      if (m[4]) out += withMergeTags(m[4], "value");
    }
    return out + (end ? span(/^<\/?(mjml|mj-)/i.test(name) ? "mj" : "tag", end) : "");
  }

  // MJML/HTML to escaped, coloured markup: comments, tags with attributes, merge tags, entities.
  function toHtml(text) {
    const tokens = /(<!--[\s\S]*?(?:-->|$))|(<\/?[A-Za-z][\w:.-]*)((?:[^>"']|"[^"]*"|'[^']*'|["'])*?)(\/?>|$)|(&[#\w]+;)/g;
    let out = "";
    let last = 0;
    for (let m; (m = tokens.exec(text)); ) {
      if (!m[0]) { tokens.lastIndex++; continue; }
      out += withMergeTags(text.slice(last, m.index), null);
      if (m[1]) out += span("comment", m[1]);
      else if (m[2]) out += highlightTag(m[2], m[3] || "", m[4] || "");
      else out += span("entity", m[5]);
      last = tokens.lastIndex;
    }
    out += withMergeTags(text.slice(last), null);
    return out + (text.endsWith("\n") ? " " : "");
  }

  function paintCode() {
    const text = source.value;
    const count = text.split("\n").length;
    if (count !== lineCount) {
      const numbers = [];
      for (let n = 1; n <= count; n++) numbers.push("<span>" + n + "</span>");
      lines.innerHTML = numbers.join("");
      lineCount = count;
      markLines(marked);
    }
    const on = text.length <= HIGHLIGHT_MAX_CHARS && text.length > 0;
    code.classList.toggle("is-highlighted", on);
    highlight.innerHTML = on ? toHtml(text) : "";
    syncScroll();
  }

  function syncScroll() {
    const top = source.scrollTop;
    lines.style.transform = "translateY(" + -top + "px)";
    highlight.style.transform = "translate(" + -source.scrollLeft + "px," + -top + "px)";
    if (bandLine !== null) placeBand();
  }

  function lineSpan(n) {
    return lines.children[n - 1] || null;
  }

  function markLines(next) {
    lines.querySelectorAll(".is-error, .is-warning").forEach((el) => el.classList.remove("is-error", "is-warning"));
    marked = next;
    next.warning.forEach((n) => lineSpan(n) && lineSpan(n).classList.add("is-warning"));
    next.error.forEach((n) => lineSpan(n) && lineSpan(n).classList.add("is-error"));
  }

  function placeBand() {
    band.style.top = padTop() + (bandLine - 1) * lineHeight() - source.scrollTop + "px";
  }

  function showBand(n, isError) {
    bandLine = n;
    band.hidden = false;
    band.classList.toggle("is-error", isError);
    placeBand();
    lines.querySelectorAll(".is-current").forEach((el) => el.classList.remove("is-current"));
    if (lineSpan(n)) lineSpan(n).classList.add("is-current");
  }

  // Put the cursor at the start of line n, select the line, scroll it into view and mark it.
  function goToLine(n) {
    const text = source.value;
    let start = 0;
    for (let i = 1; i < n; i++) {
      const next = text.indexOf("\n", start);
      if (next < 0) break;
      start = next + 1;
    }
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    source.focus({ preventScroll: true });
    source.setSelectionRange(start, end);
    const y = padTop() + (n - 1) * lineHeight();
    source.scrollTop = Math.max(0, y - source.clientHeight / 3);
    source.scrollLeft = 0;
    source.scrollIntoView({ block: "nearest" });
    showBand(n, marked.error.includes(n));
    syncScroll();
  }

  function currentLine() {
    return source.value.slice(0, source.selectionStart).split("\n").length;
  }

  source.addEventListener("scroll", syncScroll);
  for (const type of ["keyup", "click", "focus"]) {
    source.addEventListener(type, () => showBand(currentLine(), false));
  }
  source.addEventListener("blur", () => {
    band.hidden = true;
    bandLine = null;
  });
  new ResizeObserver(syncScroll).observe(source);

  root.addEventListener("click", (event) => {
    const link = event.target.closest("[data-line]");
    if (link) goToLine(parseInt(link.dataset.line, 10));
  });

  // --- character counts: of the subject and preheader as the reader sees them, merge tags filled ---

  function paintCounts(data) {
    for (const [id, text] of [["subject", data.subject], ["preheader", data.preheader]]) {
      const count = root.querySelector('[data-count-for="' + id + '"]');
      if (!count) continue;
      const length = text.trim().length;
      count.textContent = length + (length === 1 ? " character" : " characters") + " as the reader sees it";
      count.classList.toggle("over", length > parseInt(document.getElementById(id).dataset.countLimit, 10));
    }
  }

  // --- the live preview ------------------------------------------------------------------

  // A variant's empty field uses the base email's value, exactly as the server does.
  function valueOf(field) {
    if (!field) return "";
    return field.value.trim() === "" && field.dataset.inherit !== undefined ? field.dataset.inherit : field.value;
  }

  function payload() {
    const override = textOverride ? textOverride.value : root.dataset.textOverride || "";
    return {
      mjml: valueOf(source),
      subject: valueOf(subject).trim(),
      preheader: valueOf(preheader).trim(),
      text_override: override.trim() ? override : null,
      campaign_id: parseInt(root.dataset.campaignId, 10),
      segment_id: root.dataset.segmentId ? parseInt(root.dataset.segmentId, 10) : null,
    };
  }

  function setStatus(text, state) {
    statusEl.textContent = text;
    statusEl.className = "preview-status" + (state ? " is-" + state : "");
  }

  let lastGood = frame.getAttribute("srcdoc");
  let hasGood = frameBox.dataset.rendered === "1"; // whether the frame shows a rendered email to keep

  function showRenderProblem(items) {
    errorList.replaceChildren(...items.map(lineItem));
    errorKeep.hidden = !hasGood;
    errorBox.hidden = false;
    frameBox.classList.toggle("is-stale", hasGood);
  }

  function lineItem(check) {
    const li = document.createElement("li");
    if (check.line) {
      li.append(lineButton(check.line, "Line " + check.line), " ");
    }
    li.append(check.message);
    return li;
  }

  function lineButton(n, label) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "line-link";
    button.dataset.line = String(n);
    button.textContent = label;
    return button;
  }

  function paintChecks(checks) {
    const items = checks.map((check) => {
      const li = document.createElement("li");
      li.className = "check check-" + check.severity;
      const icon = document.createElement("span");
      icon.className = "check-icon";
      icon.setAttribute("aria-hidden", "true");
      const hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = check.severity.charAt(0).toUpperCase() + check.severity.slice(1) + ": ";
      const message = document.createElement("span");
      message.className = "check-message";
      message.textContent = check.message;
      li.append(icon, hidden, message);
      if (check.line) li.append(" ", lineButton(check.line, "line " + check.line));
      return li;
    });
    if (!items.length) {
      const ok = document.createElement("li");
      ok.className = "check check-ok";
      ok.innerHTML = '<span class="check-icon" aria-hidden="true"></span>';
      ok.append("No problems found.");
      items.push(ok);
    }
    checkList.replaceChildren(...items);
    const errors = checks.filter((c) => c.severity === "error").length;
    const warnings = checks.filter((c) => c.severity === "warning").length;
    countError.hidden = !errors;
    countError.textContent = errors + (errors === 1 ? " error" : " errors");
    countWarning.hidden = !warnings;
    countWarning.textContent = warnings + (warnings === 1 ? " warning" : " warnings");
    markLines({
      error: checks.filter((c) => c.severity === "error" && c.line).map((c) => c.line),
      warning: checks.filter((c) => c.severity === "warning" && c.line).map((c) => c.line),
    });
  }

  function showPreview(data) {
    inboxSubject.textContent = data.subject || "(no subject)";
    inboxPreheader.textContent = data.preheader || "";
    paintCounts(data);
    paintChecks(data.checks);
    if (data.html !== null) {
      if (data.html !== lastGood) frame.srcdoc = data.html;
      lastGood = data.html;
      hasGood = true;
      plainText.textContent = data.text || "";
      errorBox.hidden = true;
      frameBox.classList.remove("is-stale");
      setStatus("Up to date" + (dirty ? " (not saved)" : ""), null);
      return;
    }
    const blocking = data.checks.filter((c) => c.severity === "error" && RENDER_CODES.test(c.code));
    showRenderProblem(blocking.length ? blocking : [{ message: "The email does not render.", line: null }]);
    const first = blocking.find((c) => c.line);
    setStatus(first ? "Does not render: see line " + first.line : "Does not render", "broken");
  }

  // A refusal of the whole request (too large, a field the API refuses, the server gone): the last
  // good preview stays, the reason shows where a render error would.
  function showRefusal(message) {
    showRenderProblem([{ message: message, line: null }]);
    setStatus("Preview not updated", "offline");
  }

  function refusalOf(status, body) {
    if (status === 413) return "This email is too large to preview or save: the server accepts requests up to " + limitText() + ".";
    const error = body && body.error;
    if (error && error.fields && Object.keys(error.fields).length) {
      return Object.entries(error.fields).map(([name, text]) => (FIELD_NAMES[name] || name) + ": " + text).join(" ");
    }
    if (error && error.message) return error.message;
    return "The preview failed (HTTP " + status + "). Keep typing to try again.";
  }

  const FIELD_NAMES = { mjml: "Email body", subject: "Subject", preheader: "Preheader", text_override: "Plain-text part" };

  function limitText() {
    const bytes = parseInt(root.dataset.maxBytes, 10);
    return bytes ? Math.round(bytes / 1024) + " KB" : "its size limit";
  }

  let timer = null;
  let inFlight = null;
  let sequence = 0;

  function schedule() {
    clearTimeout(timer);
    setStatus("Updating…", "pending");
    timer = setTimeout(refresh, DEBOUNCE_MS);
  }

  async function refresh() {
    const body = payload();
    if (!body.mjml.trim()) {
      showRefusal("The email body is empty. Write the email in MJML, starting with <mjml>.");
      return;
    }
    const json = JSON.stringify(body);
    const maxBytes = parseInt(root.dataset.maxBytes, 10);
    if (maxBytes && new Blob([json]).size > maxBytes) {
      showRefusal(refusalOf(413, null));
      return;
    }
    if (inFlight) inFlight.abort();
    inFlight = new AbortController();
    const mine = ++sequence;
    let response;
    let data = null;
    try {
      response = await fetch(root.dataset.previewUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: json,
        credentials: "same-origin",
        signal: inFlight.signal,
      });
      data = await response.json().catch(() => null);
    } catch (error) {
      if (error.name === "AbortError") return;
      if (mine === sequence) showRefusal("The server could not be reached, so the preview is not up to date. It tries again as you type.");
      return;
    }
    if (mine !== sequence) return; // a newer edit has been sent meanwhile
    if (response.ok && data) showPreview(data);
    else showRefusal(refusalOf(response.status, data));
  }

  // --- unsaved changes -------------------------------------------------------------------

  function setDirty(on) {
    dirty = on;
    if (dirtyNote) dirtyNote.hidden = !on;
  }

  // A variant whose body is empty shows the base body as a placeholder; one click makes it a copy to edit.
  const copyBase = root.querySelector("[data-copy-base]");
  function paintCopyBase() {
    if (copyBase) copyBase.hidden = source.value.trim() !== "";
  }
  if (copyBase) {
    copyBase.addEventListener("click", () => {
      source.value = source.dataset.inherit;
      source.dispatchEvent(new Event("input", { bubbles: true }));
      source.focus();
    });
  }

  if (editing && form) {
    source.addEventListener("input", paintCopyBase);
    form.addEventListener("input", () => {
      setDirty(true);
      schedule();
    });
    source.addEventListener("input", paintCode);
    form.addEventListener("submit", () => setDirty(false));
    window.addEventListener("beforeunload", (event) => {
      if (!dirty) return;
      event.preventDefault();
      event.returnValue = "You have unsaved changes.";
    });
    document.addEventListener("keydown", (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
        event.preventDefault();
        setDirty(false);
        form.requestSubmit();
      }
    });
  }

  paintCode();
  paintCopyBase();
  setDirty(editing && root.dataset.unsaved === "1"); // a refused save is shown again, still unsaved
  const serverMarks = Array.from(document.querySelectorAll("#mjml-error")).map((el) => /^Line (\d+):/.exec(el.textContent)).filter(Boolean);
  if (serverMarks.length) markLines({ error: serverMarks.map((m) => parseInt(m[1], 10)), warning: [] });
  else {
    const initial = Array.from(checkList.querySelectorAll(".check")).map((li) => ({
      severity: (li.className.match(/check-(error|warning|info)/) || [])[1],
      line: li.querySelector("[data-line]") ? parseInt(li.querySelector("[data-line]").dataset.line, 10) : null,
    }));
    markLines({
      error: initial.filter((c) => c.severity === "error" && c.line).map((c) => c.line),
      warning: initial.filter((c) => c.severity === "warning" && c.line).map((c) => c.line),
    });
  }
})();
