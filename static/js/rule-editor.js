// The rule editor of a segment's audience page: nested groups (all / any / none) of conditions, each with a
// field, an operator its type takes and a value input of the right kind. The rule travels as JSON in the
// form's textarea (hidden while this runs; without JS the textarea is the editor). As the rule changes, the
// count and a sample of matching contacts are asked from POST /api/segment-rules/count, debounced.
(function () {
  "use strict";

  const configNode = document.getElementById("rule-editor-config");
  const form = document.getElementById("rule-form");
  const builder = document.getElementById("rule-builder");
  const textarea = document.getElementById("rule");
  if (!configNode || !form || !builder || !textarea) return;
  const config = JSON.parse(configNode.dataset.config);
  const text = config.text;
  const lang = document.documentElement.lang || "en";
  const numbers = new Intl.NumberFormat(lang);
  const dates = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });
  const live = document.getElementById("rule-live");
  const GROUPS = ["all", "any", "none"];

  let rule;
  try {
    rule = JSON.parse(textarea.value);
  } catch (error) {
    return; // not JSON (a refused POST keeps what was typed): the textarea stays the editor, with its error
  }
  if (!isGroup(rule)) return;

  const fieldTypes = {};
  config.fields.forEach((f) => { fieldTypes[f.value] = f.type; });
  config.properties.forEach((p) => { fieldTypes[p.value] = p.type; });
  fieldTypes.segment = "segment";
  const statusNames = {};
  config.statuses.forEach((s) => { statusNames[s.value] = s.label; });

  let error = config.error ? { message: config.error, place: config.error_place } : null;

  function isGroup(node) {
    return node && typeof node === "object" && !Array.isArray(node) && Object.keys(node).length === 1 &&
      GROUPS.includes(Object.keys(node)[0]) && Array.isArray(node[Object.keys(node)[0]]);
  }
  function kindOf(group) { return Object.keys(group)[0]; }
  function itemsOf(group) { return group[kindOf(group)]; }
  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, (all, name) => (name in values ? values[name] : all));
  }
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([key, value]) => {
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else node.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach((child) => { if (child) node.appendChild(child); });
    return node;
  }
  function option(value, label, selected) {
    const node = el("option", { value: value, text: label });
    node.selected = selected;
    return node;
  }

  // --- defaults when a field or an operator changes -------------------------------------------------
  function defaultValue(type, op) {
    if (op === "is_set") return undefined;
    if (op === "within_days" || op === "not_within_days") return 90;
    if (op === "in_segment") return config.segments.length ? config.segments[0].id : undefined;
    if (type === "status") return "subscribed";
    if (type === "boolean") return true;
    return "";
  }
  function newCondition() {
    return { field: "last_open_at", op: "within_days", value: 90 };
  }

  // --- drawing ---------------------------------------------------------------------------------------
  function render(focusKey) {
    builder.replaceChildren(drawGroup(rule, "", null, 0));
    builder.hidden = false;
    document.getElementById("rule-json").hidden = true;
    const oldError = document.getElementById("rule-error");
    if (oldError) oldError.hidden = true;
    if (error && !error.place) {
      builder.appendChild(el("p", { className: "field-error", id: "rule-error-top", role: "alert", text: error.message }));
    }
    if (focusKey) {
      const target = builder.querySelector(`[data-key="${CSS.escape(focusKey)}"]`);
      if (target) target.focus();
    }
  }

  function errorFor(place) {
    if (!error || !error.place || error.place !== place) return null;
    return el("p", { className: "field-error", id: `rule-error-${place.replace(/\./g, "-")}`, role: "alert", text: error.message });
  }

  function drawGroup(group, path, parent, index) {
    const kind = kindOf(group);
    const label = path ? format(text.group, { place: path }) : text.group_kind;
    const box = el("fieldset", { className: `rule-group rule-group-${kind}`, "data-path": path });
    const problem = errorFor(path);
    const head = el("div", { className: "rule-group-head" });
    const kindId = `rule-kind-${path.replace(/\./g, "-") || "root"}`;
    const kindSelect = el("select", { id: kindId, "data-key": `${path}:kind`,
      "aria-describedby": problem ? problem.id : null, "aria-invalid": problem ? "true" : null });
    GROUPS.forEach((g) => kindSelect.appendChild(option(g, config.group_names[g], g === kind)));
    kindSelect.addEventListener("change", () => {
      const items = itemsOf(group);
      delete group[kind];
      group[kindSelect.value] = items;
      changed(`${path}:kind`);
    });
    head.appendChild(el("label", { for: kindId, text: label }));
    head.appendChild(kindSelect);
    if (parent) {
      const remove = el("button", { type: "button", className: "button small subtle", text: text.remove_group,
        "aria-label": `${text.remove_group} ${path}` });
      remove.addEventListener("click", () => {
        itemsOf(parent).splice(index, 1);
        changed(parentKey(path));
      });
      head.appendChild(remove);
    }
    box.appendChild(head);
    if (problem) box.appendChild(problem);
    const list = el("ol", { className: "rule-items" });
    itemsOf(group).forEach((item, number) => {
      const place = path ? `${path}.${number + 1}` : String(number + 1);
      list.appendChild(el("li", {}, [isGroup(item) ? drawGroup(item, place, group, number) : drawCondition(item, place, group, number)]));
    });
    if (!itemsOf(group).length) box.appendChild(el("p", { className: "muted", text: text.empty_group }));
    box.appendChild(list);
    const addCondition = el("button", { type: "button", className: "button small", "data-key": `${path}:add`,
      text: text.add_condition, "aria-label": path ? `${text.add_condition} (${label})` : null });
    addCondition.addEventListener("click", () => {
      itemsOf(group).push(newCondition());
      const place = path ? `${path}.${itemsOf(group).length}` : String(itemsOf(group).length);
      changed(`${place}:field`);
    });
    const addGroup = el("button", { type: "button", className: "button small", "data-key": `${path}:group`,
      text: text.add_group, "aria-label": path ? `${text.add_group} (${label})` : null });
    addGroup.addEventListener("click", () => {
      itemsOf(group).push({ any: [newCondition()] });
      const place = path ? `${path}.${itemsOf(group).length}` : String(itemsOf(group).length);
      changed(`${place}:kind`);
    });
    box.appendChild(el("div", { className: "rule-group-actions" }, [addCondition, addGroup]));
    return box;
  }

  function parentKey(path) {
    const parts = path.split(".");
    parts.pop();
    return `${parts.join(".")}:add`;
  }

  function drawCondition(condition, place, parent, index) {
    const type = fieldTypes[condition.field] || "string";
    const id = `rule-c-${place.replace(/\./g, "-")}`;
    const problem = errorFor(place);
    const described = problem ? problem.id : null;
    const row = el("div", { className: `rule-condition${problem ? " has-error" : ""}`, "data-path": place,
      role: "group", "aria-label": format(text.condition, { place: place }) });
    row.appendChild(el("span", { className: "rule-place", "aria-hidden": "true", text: place }));

    // field
    const field = el("select", { id: `${id}-field`, "data-key": `${place}:field`, "aria-label": `${text.field} ${place}`,
      "aria-describedby": described, "aria-invalid": problem ? "true" : null });
    const own = el("optgroup", { label: text.own_fields });
    config.fields.forEach((f) => own.appendChild(option(f.value, f.label, f.value === condition.field)));
    field.appendChild(own);
    if (config.properties.length) {
      const props = el("optgroup", { label: text.properties });
      config.properties.forEach((p) => props.appendChild(option(p.value, `${p.label} (${p.type_name})`, p.value === condition.field)));
      field.appendChild(props);
    }
    const segs = el("optgroup", { label: text.segments });
    segs.appendChild(option("segment", text.segment_field, condition.field === "segment"));
    field.appendChild(segs);
    if (!(condition.field in fieldTypes)) field.appendChild(option(condition.field, condition.field, true));
    field.addEventListener("change", () => {
      const newType = fieldTypes[field.value] || "string";
      condition.field = field.value;
      if (!config.operators[newType].includes(condition.op)) condition.op = config.operators[newType][0];
      if (newType !== type || !("value" in condition)) setValue(condition, defaultValue(newType, condition.op));
      changed(`${place}:field`);
    });

    // operator
    const op = el("select", { id: `${id}-op`, "data-key": `${place}:op`, "aria-label": `${text.operator} ${place}`,
      "aria-describedby": described });
    (config.operators[type] || []).forEach((o) => op.appendChild(option(o, config.operator_names[o], o === condition.op)));
    op.addEventListener("change", () => {
      const before = condition.op;
      condition.op = op.value;
      const days = (o) => o === "within_days" || o === "not_within_days";
      if (days(before) !== days(op.value) || op.value === "is_set" || before === "is_set") {
        setValue(condition, defaultValue(type, op.value));
      }
      changed(`${place}:op`);
    });

    row.appendChild(field);
    row.appendChild(op);
    const value = drawValue(condition, type, place, id, described);
    if (value) row.appendChild(value);
    const remove = el("button", { type: "button", className: "button small subtle", text: text.remove,
      "aria-label": `${text.remove} ${format(text.condition, { place: place })}` });
    remove.addEventListener("click", () => {
      itemsOf(parent).splice(index, 1);
      changed(parentKey(place));
    });
    row.appendChild(remove);
    if (problem) row.appendChild(problem);
    return row;
  }

  function setValue(condition, value) {
    if (value === undefined) delete condition.value;
    else condition.value = value;
  }

  function drawValue(condition, type, place, id, described) {
    const attrs = { id: `${id}-value`, "data-key": `${place}:value`, "aria-label": `${text.value} ${place}`,
      "aria-describedby": described };
    const op = condition.op;
    if (op === "is_set") return null;
    let input;
    if (op === "within_days" || op === "not_within_days") {
      input = el("input", { ...attrs, type: "number", min: "1", max: "36500", step: "1", inputmode: "numeric",
        value: condition.value ?? "" });
      input.addEventListener("input", () => { condition.value = /^\d+$/.test(input.value) ? Number(input.value) : input.value; changed(); });
      return el("span", { className: "rule-days" }, [input, el("span", { text: text.days })]);
    }
    if (op === "in_segment") {
      if (!config.segments.length) return el("span", { className: "muted", text: text.no_segment });
      input = el("select", attrs);
      config.segments.forEach((s) => input.appendChild(option(String(s.id), s.name, s.id === condition.value)));
      input.addEventListener("change", () => { condition.value = Number(input.value); changed(); });
      return input;
    }
    if (type === "status") {
      input = el("select", attrs);
      config.statuses.forEach((s) => input.appendChild(option(s.value, s.label, s.value === condition.value)));
      input.addEventListener("change", () => { condition.value = input.value; changed(); });
      return input;
    }
    if (type === "boolean") {
      input = el("select", attrs);
      input.appendChild(option("true", text.yes, condition.value === true));
      input.appendChild(option("false", text.no, condition.value === false));
      input.addEventListener("change", () => { condition.value = input.value === "true"; changed(); });
      return input;
    }
    if (type === "datetime") {
      const shown = typeof condition.value === "string" ? condition.value.slice(0, 10) : "";
      input = el("input", { ...attrs, type: "date", value: shown });
    } else if (type === "integer") {
      input = el("input", { ...attrs, type: "number", step: "1", value: condition.value ?? "" });
    } else if (type === "decimal") {
      input = el("input", { ...attrs, type: "text", inputmode: "decimal", value: condition.value ?? "" });
    } else {
      input = el("input", { ...attrs, type: "text", value: condition.value ?? "" });
    }
    input.addEventListener("input", () => { condition.value = input.value; changed(); });
    return input;
  }

  // --- the rule changed: into the textarea, redraw when the shape changed, count again ---------------
  function changed(focusKey) {
    textarea.value = JSON.stringify(rule, null, 2);
    const hadError = Boolean(error);
    if (focusKey !== undefined || hadError) {
      error = null;
      if (focusKey !== undefined) render(focusKey);
      else clearErrors();
    }
    const none = document.getElementById("no-rule");
    if (none) none.hidden = true;
    schedule();
  }

  function clearErrors() {
    builder.querySelectorAll(".field-error").forEach((node) => node.remove());
    builder.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
    builder.querySelectorAll("[aria-describedby]").forEach((node) => node.removeAttribute("aria-describedby"));
    builder.querySelectorAll(".has-error").forEach((node) => node.classList.remove("has-error"));
  }

  function showError(message) {
    const match = /^\S+ (\d+(?:\.\d+)*)\b/.exec(message);
    error = { message: message, place: match ? match[1] : "" };
    const active = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.key : null;
    render(active);
  }

  // --- counting --------------------------------------------------------------------------------------
  let timer = null;
  let inFlight = null;
  let sequence = 0;
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(count, 350);
  }

  async function count() {
    if (inFlight) inFlight.abort();
    inFlight = new AbortController();
    const mine = ++sequence;
    const token = form.querySelector("input[name=csrf_token]");
    let response;
    let data = null;
    live.setAttribute("aria-busy", "true");
    try {
      response = await fetch(config.count_url, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json", "Accept-Language": lang,
                   "X-CSRFToken": token ? token.value : "" },
        credentials: "same-origin",
        body: JSON.stringify({ rule: rule, segment_id: config.segment_id }),
        signal: inFlight.signal,
      });
      data = await response.json().catch(() => null);
    } catch (failure) {
      if (failure.name === "AbortError") return;
      if (mine === sequence) showCount(text.unreachable, null);
      return;
    } finally {
      if (mine === sequence) live.removeAttribute("aria-busy");
    }
    if (mine !== sequence) return;
    if (response.ok && data) {
      showCount(format(data.total === 1 ? text.matches_one : text.matches_other, { count: numbers.format(data.total) }), data.sample);
    } else {
      const message = (data && data.error && (data.error.fields && data.error.fields.rule || data.error.message)) ||
        `HTTP ${response.status}`;
      showError(message);
    }
  }

  function showCount(line, sample) {
    const counted = el("p", { id: "rule-count", className: "rule-count", text: line });
    const children = [counted];
    if (sample && sample.length) {
      const head = el("tr", {}, ["Email address", "Name", "Status", "Opens", "Clicks", "Last open", "Last click"].map(
        (name, i) => el("th", { text: config.columns ? config.columns[i] : name })));
      const body = el("tbody", {}, sample.map((c) => el("tr", {}, [
        el("td", { text: c.email }), el("td", { text: c.name }), el("td", { text: statusNames[c.status] || c.status }),
        el("td", { text: numbers.format(c.opens) }), el("td", { text: numbers.format(c.clicks) }),
        el("td", { text: c.last_open_at ? dates.format(new Date(c.last_open_at)) : "" }),
        el("td", { text: c.last_click_at ? dates.format(new Date(c.last_click_at)) : "" }),
      ])));
      children.push(el("table", { className: "data-table rule-sample", id: "rule-sample" }, [el("thead", {}, [head]), body]));
    } else if (sample) {
      children.push(el("p", { className: "muted", text: text.no_sample }));
    }
    live.replaceChildren(...children);
  }

  // --- presets and the form ----------------------------------------------------------------------------
  document.querySelectorAll("[data-preset]").forEach((button) => {
    button.addEventListener("click", () => {
      rule = JSON.parse(JSON.stringify(config.presets[button.dataset.preset]));
      changed(":add");
    });
  });
  form.addEventListener("submit", () => { textarea.value = JSON.stringify(rule); });

  render(null);
})();
