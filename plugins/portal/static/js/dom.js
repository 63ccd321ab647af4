// Tiny DOM helpers: element builder, dialogs, confirmations, error boxes, formatting.

/** Build an element: h("button", {class: "btn", onclick: fn}, "Label", child, ...). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "class") {
      el.className = value;
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else if (key === "value" || key === "checked" || key === "disabled" || key === "selected") {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace every child of ``el``. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// Line icons drawn in SVG (no icon font or emoji font needed): eye, pencil, trash, plus.
const ICON_PATHS = {
  view: ["M1.5 12S5.5 5 12 5s10.5 7 10.5 7-4 7-10.5 7S1.5 12 1.5 12z", "M12 9a3 3 0 1 0 0 6 3 3 0 1 0 0-6z"],
  edit: ["M16.5 3.5l4 4L8 20H4v-4L16.5 3.5z", "M14 6l4 4"],
  delete: ["M3 6h18", "M8 6V4h8v2", "M5.5 6l1 14h11l1-14", "M10 10.5v6", "M14 10.5v6"],
  add: ["M12 5v14", "M5 12h14"],
};

export function icon(kind) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  for (const [key, value] of Object.entries({ viewBox: "0 0 24 24", width: 18, height: 18, fill: "none",
    stroke: "currentColor", "stroke-width": 2, "stroke-linecap": "round", "stroke-linejoin": "round",
    "aria-hidden": "true", focusable: "false" })) svg.setAttribute(key, String(value));
  for (const d of ICON_PATHS[kind] || []) {
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", d);
    svg.append(path);
  }
  return svg;
}

/** An icon button (eye, pencil, trash, plus) with an accessible name. */
export function iconButton(kind, label, onclick, extra = {}) {
  return h("button", { type: "button", class: `icon-btn icon-${kind}`, title: label, "aria-label": label,
    onclick, ...extra }, icon(kind));
}

/** A box that shows an API error in plain words next to the form it belongs to. */
export function errorBox() {
  const box = h("div", { class: "error-box", role: "alert", hidden: true });
  box.show = (error) => {
    box.textContent = describeError(error);
    box.hidden = false;
  };
  box.clear = () => { box.textContent = ""; box.hidden = true; };
  return box;
}

export function describeError(error) {
  if (!error) return "";
  if (typeof error === "string") return error;
  return error.message || String(error);
}

let openDialogs = 0;

/**
 * A modal dialog (native <dialog>: focus stays inside, Escape closes).
 * Returns {dialog, body, footer, close}. ``onClose`` runs once when it closes.
 */
export function openModal(title, { onClose, wide = false } = {}) {
  const titleId = `dialog-title-${++openDialogs}`;
  const body = h("div", { class: "modal-body" });
  const footer = h("div", { class: "modal-footer" });
  const closeButton = h("button", { type: "button", class: "icon-btn modal-close", "aria-label": "Close" }, "\u00D7");
  const dialog = h("dialog", { class: wide ? "modal modal-wide" : "modal", "aria-labelledby": titleId },
    h("div", { class: "modal-header" }, h("h2", { id: titleId }, title), closeButton), body, footer);
  const close = () => { if (dialog.open) dialog.close(); };
  closeButton.addEventListener("click", close);
  dialog.addEventListener("close", () => {
    dialog.remove();
    if (onClose) onClose();
  });
  document.body.append(dialog);
  dialog.showModal();
  return { dialog, body, footer, close };
}

/**
 * Ask before a destructive action. ``action`` runs on confirm; its error is shown in the dialog
 * and the dialog stays open; on success the dialog closes and ``done`` runs.
 */
export function confirmAction({ title = "Confirm", message, confirmLabel = "Delete", danger = true, action, done }) {
  const modal = openModal(title);
  const errors = errorBox();
  const confirm = h("button", { type: "button", class: danger ? "btn btn-danger" : "btn btn-primary" }, confirmLabel);
  const cancel = h("button", { type: "button", class: "btn btn-secondary", onclick: modal.close }, "Cancel");
  confirm.addEventListener("click", async () => {
    errors.clear();
    confirm.disabled = true;
    try {
      await action();
      modal.close();
      if (done) await done();
    } catch (error) {
      errors.show(error);
      confirm.disabled = false;
    }
  });
  replace(modal.body, h("p", { class: "confirm-text" }, message), errors);
  replace(modal.footer, cancel, confirm);
  cancel.focus();
  return modal;
}

/** A labelled form field; ``input`` is an <input>, <select> or <textarea>. */
export function field(label, input, { required = false, hint } = {}) {
  if (!input.id) input.id = `field-${Math.random().toString(36).slice(2, 10)}`;
  if (required) input.required = true;
  return h("div", { class: "field" },
    h("label", { for: input.id }, label, required ? h("span", { class: "required", "aria-hidden": "true" }, " *") : null),
    input, hint ? h("small", { class: "hint" }, hint) : null);
}

/** A <select> from [{value, label}] with the given value selected. */
export function select(options, value, attrs = {}) {
  return h("select", attrs, options.map((o) =>
    h("option", { value: String(o.value), selected: String(o.value) === String(value ?? "") }, o.label)));
}

/** An image that hides itself when its URL cannot be loaded (study icons live elsewhere). */
export function remoteImage(src, attrs = {}) {
  const img = h("img", { ...attrs, hidden: true });
  img.addEventListener("load", () => { img.hidden = false; });
  img.addEventListener("error", () => { img.hidden = true; });
  img.src = src;
  return img;
}

/** A live preview of an icon URL, updated as the user types. */
export function iconPreview(input) {
  const img = h("img", { class: "icon-preview", alt: "Icon preview", hidden: true });
  // Shown once the image has loaded, hidden while the URL is incomplete or cannot be loaded.
  const update = () => {
    const url = input.value.trim();
    img.hidden = true;
    if (/^(https?:\/\/.+|data:image\/)/i.test(url)) img.src = url;
    else img.removeAttribute("src");
  };
  img.addEventListener("load", () => { img.hidden = !img.getAttribute("src"); });
  img.addEventListener("error", () => { img.hidden = true; });
  input.addEventListener("input", update);
  update();
  return img;
}

export function formatDateTime(value) {
  if (!value) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleString(undefined, { year: "numeric", month: "short", day: "2-digit",
    hour: "2-digit", minute: "2-digit" });
}

/** "3 days ago" style distance, for spotting who stopped uploading. */
export function timeAgo(value, now = Date.now()) {
  if (!value) return "never";
  const seconds = Math.round((now - new Date(value).getTime()) / 1000);
  if (Number.isNaN(seconds)) return "";
  const units = [["year", 31536000], ["month", 2592000], ["day", 86400], ["hour", 3600], ["minute", 60]];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) {
      const count = Math.floor(Math.abs(seconds) / size);
      return seconds >= 0 ? `${count} ${unit}${count === 1 ? "" : "s"} ago` : `in ${count} ${unit}${count === 1 ? "" : "s"}`;
    }
  }
  return "just now";
}

export function patientName(p) {
  if (!p) return "";
  if (p.patientNameDisplay) return p.patientNameDisplay;
  return [p.nameFamily, p.nameGiven].filter(Boolean).join(", ");
}

/** A short, single-line JSON preview for table cells. */
export function jsonPreview(value, max = 160) {
  if (value === undefined || value === null) return "";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}\u2026` : text;
}

/** A spinner-less loading line, replaced when data arrives. */
export function loading(text = "Loading\u2026") {
  return h("p", { class: "loading", role: "status" }, text);
}
