// Studies of an organization: view (data sources, scope requests, enrollment), edit, delete.

import * as api from "../api.js";
import { confirmAction, h, iconButton, loading, remoteImage, replace } from "../dom.js";
import { organizationFrom, organizationSelect, studiesOf } from "../filters.js";
import { go } from "../router.js";
import { canWrite, selectOrganization } from "../session.js";
import { openStudyDetails } from "./study-details.js";
import { openEditStudy } from "./study-forms.js";

export async function render(main, params) {
  const orgId = organizationFrom(params);
  if (orgId === null) {
    replace(main, h("h1", {}, "Studies"), h("p", {}, "You belong to no organization yet."));
    return;
  }
  selectOrganization(orgId);
  replace(main, h("h1", {}, "Studies"), loading());
  const studies = await studiesOf(orgId);
  const write = canWrite(orgId);
  const reload = () => render(main, { organization: orgId });
  const rows = studies.map((study) => h("tr", { dataset: { id: study.id } },
    h("td", { class: "actions" },
      iconButton("view", `View study ${study.name}`, () => openStudyDetails(study.id, orgId, reload)),
      write ? iconButton("edit", `Edit study ${study.name}`, () => openEditStudy(study, reload)) : null,
      write ? iconButton("delete", `Delete study ${study.name}`, () => confirmAction({
        message: "Are you sure you want to delete this entire record?",
        action: () => api.del(`studies/${study.id}`),
        done: reload,
      })) : null),
    h("td", { class: "nowrap" }, String(study.id)),
    h("td", {}, study.iconUrl ? remoteImage(study.iconUrl, { class: "study-icon", alt: "" }) : null),
    h("td", {}, study.name),
    h("td", {}, study.description || ""),
    h("td", {}, (study.scopeRequests || []).map((s) => s.text || s.codingCode).join(", ")),
    h("td", {}, (study.dataSources || []).map((d) => d.name).join(", "))));
  replace(main,
    h("div", { class: "toolbar" }, h("h1", {}, "Studies"),
      h("div", { class: "filters" }, organizationSelect(orgId, (value) => go("studies", { organization: value })))),
    write ? h("p", { class: "muted" }, "New studies are created from the Organizations page (\u201C+\u201D next to Studies).") : null,
    h("div", { class: "table-wrap" }, h("table", { class: "data-table studies-table" },
      h("thead", {}, h("tr", {}, h("th", {}, h("span", { class: "visually-hidden" }, "Actions")), h("th", {}, "ID"),
        h("th", {}, h("span", { class: "visually-hidden" }, "Icon")), h("th", {}, "Name"), h("th", {}, "Description"),
        h("th", {}, "Scope Requests"), h("th", {}, "Data Sources"))),
      h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { colspan: 7 }, "This organization has no studies yet."))))));
}
