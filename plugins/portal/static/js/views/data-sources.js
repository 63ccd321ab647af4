// Data Sources: the devices and apps patients can upload from, with the data types each supports.

import { h, loading, replace } from "../dom.js";
import { dataSources, scopeLabel, session } from "../session.js";

export async function render(main) {
  replace(main, h("h1", {}, "Data Sources"), loading());
  session.dataSources = null; // always show the current catalogue on this screen
  const sources = await dataSources();
  const rows = sources.map((source) => h("tr", { dataset: { id: source.id } },
    h("td", {}, String(source.id)),
    h("td", {}, source.name),
    h("td", {}, (source.type || "").replace(/_/g, " ")),
    h("td", {}, h("ul", { class: "chips" }, (source.supportedScopes || []).map((scope) =>
      h("li", { class: "chip", title: scope.codingCode }, scopeLabel(scope)))))));
  replace(main,
    h("h1", {}, "Data Sources"),
    h("div", { class: "table-wrap" }, h("table", { class: "data-table data-sources-table" },
      h("thead", {}, h("tr", {}, h("th", {}, "ID"), h("th", {}, "Name"), h("th", {}, "Type"), h("th", {}, "Supported Scopes"))),
      h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { colspan: 4 }, "No data sources are registered."))))));
}
