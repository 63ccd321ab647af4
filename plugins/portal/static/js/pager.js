// Pagination controls: page number input (Enter jumps), previous/next, and a per-page select.

import { h } from "./dom.js";

export const PAGE_SIZES = [10, 20, 50, 100];

/**
 * @param {{count:number, page:number, perPage:number, label:string, onChange:(page:number, perPage:number)=>void}} o
 */
export function pager({ count, page, perPage, label = "items", onChange }) {
  const pages = Math.max(1, Math.ceil(count / perPage));
  const current = Math.min(Math.max(1, page), pages);
  const go = (target) => {
    const next = Math.min(Math.max(1, target), pages);
    if (next !== current) onChange(next, perPage);
  };
  const pageInput = h("input", { type: "number", min: 1, max: pages, value: String(current), class: "page-input",
    "aria-label": "Page number" });
  pageInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      go(Number(pageInput.value) || 1);
    }
  });
  pageInput.addEventListener("change", () => go(Number(pageInput.value) || 1));
  const sizeSelect = h("select", { "aria-label": "Items per page", class: "per-page" },
    PAGE_SIZES.map((size) => h("option", { value: String(size), selected: size === perPage }, `${size} per page`)));
  sizeSelect.addEventListener("change", () => onChange(1, Number(sizeSelect.value)));
  const first = count === 0 ? 0 : (current - 1) * perPage + 1;
  const last = Math.min(count, current * perPage);
  return h("nav", { class: "pager", "aria-label": "Pagination" },
    h("button", { type: "button", class: "btn btn-small", disabled: current <= 1, onclick: () => go(1),
      "aria-label": "First page" }, "\u00AB"),
    h("button", { type: "button", class: "btn btn-small", disabled: current <= 1, onclick: () => go(current - 1),
      "aria-label": "Previous page" }, "\u2039"),
    h("span", { class: "page-of" }, "Page ", pageInput, ` of ${pages}`),
    h("button", { type: "button", class: "btn btn-small", disabled: current >= pages, onclick: () => go(current + 1),
      "aria-label": "Next page" }, "\u203A"),
    h("button", { type: "button", class: "btn btn-small", disabled: current >= pages, onclick: () => go(pages),
      "aria-label": "Last page" }, "\u00BB"),
    sizeSelect,
    h("span", { class: "pager-summary", role: "status" }, count ? `${first}\u2013${last} of ${count} ${label}` : `No ${label}`));
}
