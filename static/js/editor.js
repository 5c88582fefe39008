// The email editor: the MJML field as a CodeMirror 6 editor (static/vendor/codemirror.js: line numbers,
// wrapping, highlighting, MJML completion, search, undo, tag matching) and a live preview through
// POST /api/preview. The page works without this file (it is a plain form with a textarea, and the
// server renders the first preview); this adds re-rendering as you type, the error lines in the gutter,
// jumping to a check's line and the note when the preheader replaces the body's <mj-preview>.
// Every text from the server or the author is set with textContent or escaped first, never as markup;
// the email itself only ever goes into the sandboxed iframe's srcdoc.
(function () {
  "use strict";

  const root = document.querySelector("[data-email-editor]");
  if (!root) return;

  const DEBOUNCE_MS = 300;
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
  // The page's words in its language, from the data-texts attribute editor.html renders; English when it is missing.
  const TEXTS = root.dataset.texts ? JSON.parse(root.dataset.texts) : {};
  function t(key, english, values) {
    let text = TEXTS[key] || english;
    for (const [name, value] of Object.entries(values || {})) text = text.split("{" + name + "}").join(String(value));
    return text;
  }
  function counted(key, n, one, other) {
    return t(n === 1 ? key + "_one" : key + "_other", n === 1 ? one : other, { n: n });
  }

  // --- the code field: CodeMirror 6 over the textarea ----------------------------------------
  // The textarea stays the form's field (and the whole editor when the bundle is missing): CodeMirror
  // mounts beside it and hides it. Each change fires an input event on the textarea, so the live preview
  // and the unsaved-changes note follow as before; the text itself is written back when it is read
  // (bodyText: the preview request, a save), since setting a large textarea's value on every keystroke
  // costs a tenth of a second and more for a body of a few megabytes.

  const CM = window.CodeMirror;
  const code = root.querySelector("[data-code-editor]");
  let dirty = false; // typed since the page loaded or was saved
  let sourceStale = false; // the editor holds changes the textarea does not have yet

  function mountCodeMirror() {
    const schema = window.JourneymailMJML || { elements: [], attributes: [] };
    const readonly = source.readOnly;
    const label = document.querySelector('label[for="mjml"]');

    // Merge tags stand out, so a typo in one is seen before the preview says so.
    const mergeTags = new CM.MatchDecorator({
      regexp: /\{\{.*?\}\}|\{%.*?%\}/g, // within a line: that is how MatchDecorator reads
      decoration: CM.Decoration.mark({ class: "cm-merge-tag" }),
    });
    const mergeTagPlugin = CM.ViewPlugin.define((v) => ({
      decorations: mergeTags.createDeco(v),
      update(update) { this.decorations = mergeTags.updateDeco(update, this.decorations); },
    }), { decorations: (plugin) => plugin.decorations });

    const extensions = [
      CM.lineNumbers(),
      CM.highlightActiveLineGutter(),
      CM.highlightActiveLine(),
      CM.highlightSpecialChars(),
      CM.history(),
      CM.drawSelection(),
      CM.dropCursor(),
      CM.indentOnInput(),
      CM.indentUnit.of("  "),
      CM.EditorState.tabSize.of(2),
      CM.syntaxHighlighting(CM.classHighlighter), // token classes, coloured by css/editor.css
      CM.bracketMatching(), // and the matching open or close tag of the one at the cursor
      CM.xml({ elements: schema.elements, attributes: schema.attributes }),
      CM.autocompletion({ icons: false }),
      CM.search({ top: true }),
      CM.highlightSelectionMatches(),
      CM.EditorView.lineWrapping,
      mergeTagPlugin,
      lineMarks,
      CM.keymap.of([
        ...CM.completionKeymap, ...CM.searchKeymap, ...CM.historyKeymap, ...CM.defaultKeymap, CM.indentWithTab,
      ]),
      CM.EditorState.readOnly.of(readonly),
      CM.EditorView.contentAttributes.of({
        "aria-label": label ? label.textContent.trim() : t("body_label", "Email body (MJML)"),
        "aria-describedby": source.getAttribute("aria-describedby") + " mjml-keys",
        "aria-invalid": source.getAttribute("aria-invalid") || "false",
        spellcheck: "false", autocapitalize: "off", autocorrect: "off",
      }),
      CM.EditorView.updateListener.of((update) => {
        if (!update.docChanged) return;
        sourceStale = true;
        source.dispatchEvent(new Event("input", { bubbles: true }));
      }),
    ];
    if (source.placeholder) extensions.push(CM.placeholder(source.placeholder));

    const editor = new CM.EditorView({ doc: source.value, extensions, parent: code });
    source.hidden = true;
    code.classList.add("is-mounted");
    const keys = document.getElementById("mjml-keys");
    if (keys) keys.hidden = false;
    if (label) label.addEventListener("click", () => editor.focus());
    return editor;
  }

  // The error and warning lines of the last preview (or of a refused save), marked in the gutter and on the line.
  const setMarks = CM ? CM.StateEffect.define() : null;
  const lineMarks = CM ? CM.StateField.define({
    create: () => ({ gutter: CM.RangeSet.empty, lines: CM.Decoration.none }),
    update(value, tr) {
      for (const effect of tr.effects) if (effect.is(setMarks)) return marksFor(tr.state.doc, effect.value);
      return tr.docChanged ? { gutter: value.gutter.map(tr.changes), lines: value.lines.map(tr.changes) } : value;
    },
    provide: (field) => [
      CM.gutterLineClass.from(field, (value) => value.gutter),
      CM.EditorView.decorations.from(field, (value) => value.lines),
    ],
  }) : null;

  function marksFor(doc, next) {
    const severity = new Map();
    for (const n of next.warning) severity.set(n, "warning");
    for (const n of next.error) severity.set(n, "error");
    const gutter = new CM.RangeSetBuilder();
    const lines = new CM.RangeSetBuilder();
    for (const n of [...severity.keys()].sort((a, b) => a - b)) {
      if (n < 1 || n > doc.lines) continue;
      const from = doc.line(n).from;
      gutter.add(from, from, new LineClass("is-" + severity.get(n)));
      lines.add(from, from, CM.Decoration.line({ class: "cm-line-" + severity.get(n) }));
    }
    return { gutter: gutter.finish(), lines: lines.finish() };
  }

  class LineClass extends (CM ? CM.GutterMarker : Object) {
    constructor(name) {
      super();
      this.elementClass = name;
    }
    eq(other) {
      return other.elementClass === this.elementClass;
    }
  }

  const view = CM ? mountCodeMirror() : null;

  // The body as written: the editor's text, written back into the form's textarea first.
  function bodyText() {
    if (view && sourceStale) {
      source.value = view.state.doc.toString();
      sourceStale = false;
    }
    return source.value;
  }

  function bodyIsEmpty() {
    if (!view) return source.value.trim() === "";
    for (const chunk of view.state.doc.iter()) if (/\S/.test(chunk)) return false;
    return true;
  }

  function markLines(next) {
    if (view) view.dispatch({ effects: setMarks.of(next) });
  }

  function setSource(text) {
    if (view) view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    else {
      source.value = text;
      source.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  // Put the cursor on line n, select the line, scroll it into view.
  function goToLine(n) {
    if (!view) {
      const starts = [0];
      for (let i = source.value.indexOf("\n"); i >= 0; i = source.value.indexOf("\n", i + 1)) starts.push(i + 1);
      const start = starts[Math.min(n, starts.length) - 1];
      const end = source.value.indexOf("\n", start);
      source.focus();
      source.setSelectionRange(start, end < 0 ? source.value.length : end);
      return;
    }
    const line = view.state.doc.line(Math.max(1, Math.min(n, view.state.doc.lines)));
    view.dispatch({
      selection: { anchor: line.from, head: line.to },
      effects: CM.EditorView.scrollIntoView(line.from, { y: "center" }),
    });
    view.focus();
    code.scrollIntoView({ block: "nearest" });
  }

  root.addEventListener("click", (event) => {
    const link = event.target.closest("[data-line]");
    if (link) goToLine(parseInt(link.dataset.line, 10));
  });

  // --- the preheader replaces a <mj-preview> written in the body (emails/render.py, with_preheader) ---

  const PREVIEW_ELEMENT = /(<mj-preview\b[^>]*>)([\s\S]*?)(<\/mj-preview\s*>)/i;
  const overrideNote = root.querySelector("[data-preheader-override]");

  function paintPreheaderOverride(shownPreheader) {
    if (!overrideNote) return;
    const body = valueOf(source);
    const written = PREVIEW_ELEMENT.exec(body);
    overrideNote.hidden = !(written && shownPreheader.trim());
    if (written) {
      overrideNote.querySelector("[data-preheader-override-line]").textContent =
        String(body.slice(0, written.index).split("\n").length);
    }
  }

  // --- character counts: of the subject and preheader as the reader sees them, merge tags filled ---

  function paintCounts(data) {
    for (const [id, text] of [["subject", data.subject], ["preheader", data.preheader]]) {
      const count = root.querySelector('[data-count-for="' + id + '"]');
      if (!count) continue;
      const length = text.trim().length;
      count.textContent = counted("characters", length, "{n} character as the reader sees it", "{n} characters as the reader sees it");
      count.classList.toggle("over", length > parseInt(document.getElementById(id).dataset.countLimit, 10));
    }
  }

  // --- the live preview ------------------------------------------------------------------

  // A variant's empty field uses the base email's value, exactly as the server does.
  function valueOf(field) {
    if (!field) return "";
    const value = field === source ? bodyText() : field.value;
    return value.trim() === "" && field.dataset.inherit !== undefined ? field.dataset.inherit : value;
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
      contact_id: root.dataset.contactId ? parseInt(root.dataset.contactId, 10) : null,
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
      li.append(lineButton(check.line, t("line_button", "Line {n}", { n: check.line })), " ");
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
      hidden.textContent = t("severity_" + check.severity, check.severity.charAt(0).toUpperCase() + check.severity.slice(1)) + ": ";
      const message = document.createElement("span");
      message.className = "check-message";
      message.textContent = check.message;
      li.append(icon, hidden, message);
      if (check.line) li.append(" ", lineButton(check.line, t("line", "line {n}", { n: check.line })));
      return li;
    });
    if (!items.length) {
      const ok = document.createElement("li");
      ok.className = "check check-ok";
      ok.innerHTML = '<span class="check-icon" aria-hidden="true"></span>';
      ok.append(t("no_problems", "No problems found."));
      items.push(ok);
    }
    checkList.replaceChildren(...items);
    const errors = checks.filter((c) => c.severity === "error").length;
    const warnings = checks.filter((c) => c.severity === "warning").length;
    countError.hidden = !errors;
    countError.textContent = counted("errors", errors, "{n} error", "{n} errors");
    countWarning.hidden = !warnings;
    countWarning.textContent = counted("warnings", warnings, "{n} warning", "{n} warnings");
    markLines({
      error: checks.filter((c) => c.severity === "error" && c.line).map((c) => c.line),
      warning: checks.filter((c) => c.severity === "warning" && c.line).map((c) => c.line),
    });
  }

  function showPreview(data) {
    inboxSubject.textContent = data.subject || t("no_subject", "(no subject)");
    inboxPreheader.textContent = data.preheader || "";
    paintCounts(data);
    paintChecks(data.checks);
    paintPreheaderOverride(data.preheader || "");
    if (data.html !== null) {
      if (data.html !== lastGood) frame.srcdoc = data.html;
      lastGood = data.html;
      hasGood = true;
      plainText.textContent = data.text || "";
      errorBox.hidden = true;
      frameBox.classList.remove("is-stale");
      setStatus(dirty ? t("up_to_date_unsaved", "Up to date (not saved)") : t("up_to_date", "Up to date"), null);
      return;
    }
    const blocking = data.checks.filter((c) => c.severity === "error" && RENDER_CODES.test(c.code));
    showRenderProblem(blocking.length ? blocking : [{ message: t("does_not_render", "The email does not render."), line: null }]);
    const first = blocking.find((c) => c.line);
    setStatus(first ? t("broken_at", "Does not render: see line {n}", { n: first.line }) : t("broken", "Does not render"), "broken");
  }

  // A refusal of the whole request (too large, a field the API refuses, the server gone): the last
  // good preview stays, the reason shows where a render error would.
  function showRefusal(message) {
    showRenderProblem([{ message: message, line: null }]);
    setStatus(t("offline", "Preview not updated"), "offline");
  }

  function refusalOf(status, body) {
    if (status === 413) return t("too_large", "This email is too large to preview or save: the server accepts requests up to {limit}.", { limit: limitText() });
    const error = body && body.error;
    if (error && error.fields && Object.keys(error.fields).length) {
      return Object.entries(error.fields).map(([name, text]) => t("field_" + name, FIELD_NAMES[name] || name) + ": " + text).join(" ");
    }
    if (error && error.message) return error.message;
    return t("failed", "The preview failed (HTTP {status}). Keep typing to try again.", { status: status });
  }

  const FIELD_NAMES = { mjml: "Email body", subject: "Subject", preheader: "Preheader", text_override: "Plain-text part" };

  function limitText() {
    const bytes = parseInt(root.dataset.maxBytes, 10);
    return bytes ? Math.round(bytes / 1024) + " KB" : t("size_limit", "its size limit");
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
      showRefusal(t("empty_body", "The email body is empty. Write the email in MJML, starting with <mjml>."));
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
        // The checks come back in the page's language (the API follows Accept-Language).
        headers: { "Content-Type": "application/json", Accept: "application/json", "Accept-Language": document.documentElement.lang || "en" },
        body: json,
        credentials: "same-origin",
        signal: inFlight.signal,
      });
      data = await response.json().catch(() => null);
    } catch (error) {
      if (error.name === "AbortError") return;
      if (mine === sequence) showRefusal(t("unreachable", "The server could not be reached, so the preview is not up to date. It tries again as you type."));
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
    if (copyBase) copyBase.hidden = !bodyIsEmpty();
  }
  if (copyBase) {
    copyBase.addEventListener("click", () => {
      setSource(source.dataset.inherit);
      if (view) view.focus();
      else source.focus();
    });
  }

  if (editing && form) {
    source.addEventListener("input", paintCopyBase);
    form.addEventListener("input", (event) => {
      // CodeMirror's own input events (and its search panel's fields) are not edits of the email:
      // its changes arrive through the textarea's input event.
      if (event.target.closest(".cm-editor")) return;
      setDirty(true);
      if (event.target === preheader) paintPreheaderOverride(valueOf(preheader).trim()); // the answer confirms it
      schedule();
    });
    form.addEventListener("submit", () => {
      bodyText(); // the form posts the textarea: give it the editor's text first
      setDirty(false);
    });
    window.addEventListener("beforeunload", (event) => {
      if (!dirty) return;
      event.preventDefault();
      event.returnValue = t("unsaved", "You have unsaved changes.");
    });
    document.addEventListener("keydown", (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
        event.preventDefault();
        setDirty(false);
        form.requestSubmit();
      }
    });
  }

  paintCopyBase();
  setDirty(editing && root.dataset.unsaved === "1"); // a refused save is shown again, still unsaved
  const serverMarks = Array.from(document.querySelectorAll("#mjml-error")).map((el) => /^(?:Line|Zeile) (\d+):/.exec(el.textContent)).filter(Boolean);
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
