// Patients: organization and study filters, paginated table with checkboxes, add / view / edit /
// remove, and enrolling the checked patients in a study or removing them from one.

import * as api from "../api.js";
import { confirmAction, errorBox, field, h, iconButton, loading, openModal, patientName, replace, select } from "../dom.js";
import { organizationFrom, organizationSelect, studiesOf, studySelect } from "../filters.js";
import { pager } from "../pager.js";
import { go } from "../router.js";
import { canWrite, selectOrganization } from "../session.js";
import { openPatientDetails } from "./patient-details.js";
import { openAddPatient, openEditPatient } from "./patient-forms.js";

export async function render(main, params) {
  const orgId = organizationFrom(params);
  if (orgId === null) {
    replace(main, h("h1", {}, "Patients"), h("p", {}, "You belong to no organization yet."));
    return;
  }
  selectOrganization(orgId);
  const studyId = params.study ? Number(params.study) : null;
  const perPage = Number(params.perPage) || 20;
  const pageNumber = Number(params.page) || 1;
  const reload = (changes = {}) => go("patients", {
    organization: orgId, study: studyId ?? "", page: pageNumber, perPage, ...changes });

  replace(main, h("h1", {}, "Patients"), loading());
  const errors = errorBox();
  const [studies, list] = await Promise.all([
    studiesOf(orgId),
    api.page("patients", { organization_id: orgId, study_id: studyId ?? undefined, limit: perPage,
      offset: (pageNumber - 1) * perPage }).catch((error) => { errors.show(error); return { count: 0, results: [] }; }),
  ]);
  const study = studies.find((s) => Number(s.id) === studyId) || null;
  const write = canWrite(orgId);
  const checked = new Set();

  const enrollButton = h("button", { type: "button", class: "btn btn-primary", disabled: true,
    onclick: () => openEnroll(orgId, studies, studyId, [...checked], reload) }, "Add Patient(s) to Study...");
  const removeButton = h("button", { type: "button", class: "btn btn-warning", disabled: true,
    title: study ? "" : "Select a study first", onclick: () => confirmAction({
      title: "Remove Patient(s) from Study",
      message: `Remove ${checked.size} patient(s) from ${study?.name}? Their consents for this study are deleted; their data is kept.`,
      confirmLabel: "Remove",
      action: () => api.del(`studies/${studyId}/patients`, { patient_ids: [...checked] }),
      done: () => reload(),
    }) }, "Remove Patient(s) from Study");
  const updateBulkButtons = () => {
    enrollButton.disabled = checked.size === 0;
    removeButton.disabled = checked.size === 0 || !study;
  };

  const rowCheckboxes = [];
  const rows = list.results.map((patient) => {
    const box = h("input", { type: "checkbox", "aria-label": `Select patient ${patientName(patient)}`,
      class: "row-check", value: String(patient.id) });
    box.addEventListener("change", () => {
      if (box.checked) checked.add(Number(patient.id)); else checked.delete(Number(patient.id));
      updateBulkButtons();
    });
    rowCheckboxes.push(box);
    return h("tr", { dataset: { id: patient.id } },
      write ? h("td", {}, box) : null,
      h("td", { class: "actions" },
        iconButton("view", `View patient ${patientName(patient)}`, () => openPatientDetails(patient, orgId)),
        write ? iconButton("edit", `Edit patient ${patientName(patient)}`, () => openEditPatient(patient, () => reload())) : null,
        write ? iconButton("delete", `Delete patient ${patientName(patient)}`, () => confirmAction({
          message: "Are you sure you want to delete this entire record?",
          action: () => api.del(`patients/${patient.id}`, undefined, { organization_id: orgId }),
          done: () => reload(),
        })) : null),
      h("td", { class: "nowrap" }, String(patient.id)),
      h("td", {}, patientName(patient)),
      h("td", { class: "nowrap" }, patient.birthDate || ""),
      h("td", {}, patient.telecomEmail || ""),
      h("td", {}, patient.identifier || ""),
      h("td", { class: "nowrap" }, patient.telecomPhone || ""));
  });
  const allBox = h("input", { type: "checkbox", "aria-label": "Select all patients on this page" });
  allBox.addEventListener("change", () => {
    for (const box of rowCheckboxes) {
      box.checked = allBox.checked;
      box.dispatchEvent(new Event("change"));
    }
  });

  replace(main,
    h("div", { class: "toolbar" }, h("h1", {}, "Patients"),
      h("div", { class: "filters" },
        organizationSelect(orgId, (value) => go("patients", { organization: value, perPage })),
        studySelect(studies, studyId, (value) => go("patients", { organization: orgId, study: value, perPage })))),
    write ? h("div", { class: "button-row" },
      h("button", { type: "button", class: "btn btn-success", onclick: () => openAddPatient(orgId, () => reload()) },
        "Add Patient..."),
      enrollButton, removeButton) : null,
    errors,
    h("div", { class: "table-wrap" }, h("table", { class: "data-table patients-table" },
      h("thead", {}, h("tr", {},
        write ? h("th", {}, allBox) : null,
        h("th", {}, h("span", { class: "visually-hidden" }, "Actions")),
        h("th", {}, "ID"), h("th", {}, "Name"), h("th", {}, "DOB"), h("th", {}, "E-mail"),
        h("th", {}, "External Identifier"), h("th", {}, "Cell"))),
      h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { colspan: 8 }, "No patients match."))))),
    pager({ count: list.count, page: pageNumber, perPage, label: "patients",
      onChange: (page, size) => reload({ page, perPage: size }) }));
}

/** Pick the study (the filter's study preselected) and enroll the checked patients. */
function openEnroll(orgId, studies, studyId, patientIds, reload) {
  const modal = openModal("Add Patient(s) to Study");
  const errors = errorBox();
  if (!studies.length) {
    replace(modal.body, h("p", {}, "This organization has no studies yet; create one from the Organizations page."));
    return;
  }
  const choice = select(studies.map((s) => ({ value: s.id, label: s.name })), studyId ?? studies[0].id,
    { class: "enroll-study" });
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, "Add to Study");
  const form = h("form", { class: "form" },
    h("p", {}, `Enroll ${patientIds.length} selected patient(s) in:`), field("Study", choice), errors,
    h("div", { class: "form-actions" }, submit));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errors.clear();
    submit.disabled = true;
    try {
      await api.post(`studies/${choice.value}/patients`, { patient_ids: patientIds });
      modal.close();
      reload({ study: choice.value, page: 1 });
    } catch (error) {
      errors.show(error);
      submit.disabled = false;
    }
  });
  replace(modal.body, form);
  choice.focus();
}
