// Observations: organization, study, patient, data type and date-range filters; a paginated table
// with a JSON preview; a row opens the full Open mHealth payload.

import * as api from "../api.js";
import { errorBox, field, formatDateTime, h, jsonPreview, loading, openModal, patientName, replace, select } from "../dom.js";
import { organizationFrom, organizationSelect, studiesOf, studySelect } from "../filters.js";
import { dataPoint } from "../omh.js";
import { pager } from "../pager.js";
import { go } from "../router.js";
import { dataSources, scopeCatalog, scopeLabel, selectOrganization } from "../session.js";

// Query parameters of /api/v1/observations for the filters beyond organization, study and patient.
export const FILTER_PARAMS = { code: "coding_code", from: "date_from", to: "date_to" };

export async function render(main, params) {
  const orgId = organizationFrom(params);
  if (orgId === null) {
    replace(main, h("h1", {}, "Observations"), h("p", {}, "You belong to no organization yet."));
    return;
  }
  selectOrganization(orgId);
  const filters = {
    organization: orgId, study: params.study || "", patient: params.patient || "", code: params.code || "",
    from: params.from || "", to: params.to || "",
  };
  const perPage = Number(params.perPage) || 20;
  const pageNumber = Number(params.page) || 1;
  const reload = (changes = {}) => go("observations", { ...filters, page: 1, perPage, ...changes });

  replace(main, h("h1", {}, "Observations"), loading());
  const errors = errorBox();
  const [studies, patients, catalog, sources] = await Promise.all([
    studiesOf(orgId),
    api.page("patients", { organization_id: orgId, study_id: filters.study || undefined, limit: 1000 }),
    scopeCatalog(),
    dataSources(),
  ]);
  const study = studies.find((s) => String(s.id) === String(filters.study));
  const scopes = study?.scopeRequests?.length ? study.scopeRequests : catalog;
  const list = await api.page("observations", {
    organization_id: orgId,
    study_id: filters.study || undefined,
    patient_id: filters.patient || undefined,
    [FILTER_PARAMS.code]: filters.code || undefined,
    [FILTER_PARAMS.from]: filters.from || undefined,
    [FILTER_PARAMS.to]: filters.to || undefined,
    limit: perPage,
    offset: (pageNumber - 1) * perPage,
  }).catch((error) => { errors.show(error); return { count: 0, results: [] }; });

  const scopeByCode = new Map([...catalog, ...scopes].map((s) => [s.codingCode, s]));
  const sourceById = new Map(sources.map((s) => [Number(s.id), s]));

  const patientChoice = select([{ value: "", label: "All Patients" },
    ...patients.results.map((p) => ({ value: p.id, label: patientName(p) }))], filters.patient, { class: "filter-patient" });
  patientChoice.addEventListener("change", () => reload({ patient: patientChoice.value }));
  const codeChoice = select([{ value: "", label: "All Data Types" },
    ...scopes.map((s) => ({ value: s.codingCode, label: scopeLabel(s) }))], filters.code, { class: "filter-code" });
  codeChoice.addEventListener("change", () => reload({ code: codeChoice.value }));
  const from = h("input", { type: "date", value: filters.from, class: "filter-from" });
  const to = h("input", { type: "date", value: filters.to, class: "filter-to" });
  from.addEventListener("change", () => reload({ from: from.value }));
  to.addEventListener("change", () => reload({ to: to.value }));

  const rows = list.results.map((o) => {
    const open = () => openPayload(o, scopeByCode, sourceById);
    const row = h("tr", { class: "clickable", tabindex: 0, dataset: { id: o.id },
      "aria-label": `Observation ${o.id}, open its data`, onclick: open },
      h("td", {}, String(o.id)),
      h("td", {}, scopeLabel(scopeByCode.get(o.codingCode)) || o.codingCode || ""),
      h("td", {}, patientName(o) || String(o.subjectPatient ?? "")),
      h("td", {}, sourceById.get(Number(o.dataSource))?.name || (o.dataSource ?? "")),
      h("td", {}, o.status || ""),
      h("td", {}, formatDateTime(o.created)),
      h("td", { class: "json-cell" }, h("code", {}, jsonPreview(bodyFirst(dataPoint(o)), 600))));
    row.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); open(); }
    });
    return row;
  });

  replace(main,
    h("div", { class: "toolbar" }, h("h1", {}, "Observations")),
    h("div", { class: "filters observation-filters" },
      organizationSelect(orgId, (value) => go("observations", { organization: value, perPage })),
      studySelect(studies, filters.study, (value) => reload({ study: value, patient: "", code: "" })),
      field("Patient", patientChoice), field("Data Type", codeChoice),
      field("From", from), field("To", to),
      h("div", { class: "field field-button" },
        h("button", { type: "button", class: "btn btn-secondary", onclick: () => go("observations", { organization: orgId, perPage }) },
          "Clear filters"))),
    errors,
    h("div", { class: "table-wrap" }, h("table", { class: "data-table observations-table" },
      h("thead", {}, h("tr", {}, h("th", {}, "ID"), h("th", {}, "Scope"), h("th", {}, "Patient"),
        h("th", {}, "Data Source"), h("th", {}, "Status"), h("th", {}, "Transaction Time"), h("th", {}, "Data"))),
      h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { colspan: 7 }, "No observations match these filters."))))),
    pager({ count: list.count, page: pageNumber, perPage, label: "observations",
      onChange: (page, size) => reload({ page, perPage: size }) }));
}

/** The measurements are what a reader scans for: show the body before the header. */
function bodyFirst(point) {
  if (!point || typeof point !== "object" || !("body" in point)) return point;
  const { body, header, ...rest } = point;
  return { body, header, ...rest };
}

function openPayload(o, scopeByCode, sourceById) {
  const modal = openModal(`Observation ${o.id}`, { wide: true });
  replace(modal.body,
    h("dl", { class: "details" },
      h("dt", {}, "ID"), h("dd", {}, String(o.id)),
      h("dt", {}, "Patient"), h("dd", {}, `${patientName(o)} (${o.subjectPatient ?? ""})`),
      h("dt", {}, "Scope"), h("dd", {}, `${scopeLabel(scopeByCode.get(o.codingCode)) || ""} ${o.codingCode || ""}`.trim()),
      h("dt", {}, "Data Source"), h("dd", {}, sourceById.get(Number(o.dataSource))?.name || String(o.dataSource ?? "")),
      h("dt", {}, "Status"), h("dd", {}, o.status || ""),
      h("dt", {}, "Transaction Time"), h("dd", {}, formatDateTime(o.created))),
    h("h3", {}, "Open mHealth data"),
    h("pre", { class: "json-payload", tabindex: 0 }, JSON.stringify(dataPoint(o), null, 2)));
}
