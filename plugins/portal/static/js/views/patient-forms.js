// "Create Patient" (with the e-mail Lookup that offers to add an existing patient) and "Update Patient".

import * as api from "../api.js";
import { errorBox, field, h, openModal, patientName, replace } from "../dom.js";
import { organizationName } from "../session.js";

const EXISTS_TEXT = "This Patient already exists. Click the Update button below to add this Patient to the Organization";

function demographicInputs(patient = {}) {
  return {
    identifier: h("input", { type: "text", name: "identifier", value: patient.identifier || "", autocomplete: "off" }),
    nameFamily: h("input", { type: "text", name: "nameFamily", value: patient.nameFamily || "", autocomplete: "off" }),
    nameGiven: h("input", { type: "text", name: "nameGiven", value: patient.nameGiven || "", autocomplete: "off" }),
    birthDate: h("input", { type: "date", name: "birthDate", value: patient.birthDate || "" }),
    telecomPhone: h("input", { type: "tel", name: "telecomPhone", value: patient.telecomPhone || "", autocomplete: "off" }),
  };
}

function demographicFields(inputs) {
  return [
    field("External Identifier", inputs.identifier),
    field("Family Name", inputs.nameFamily, { required: true }),
    field("Given Name", inputs.nameGiven, { required: true }),
    field("DOB", inputs.birthDate, { required: true, hint: "YYYY-MM-DD" }),
    field("Cell", inputs.telecomPhone),
  ];
}

function valuesOf(inputs) {
  return {
    identifier: inputs.identifier.value.trim() || null,
    nameFamily: inputs.nameFamily.value.trim(),
    nameGiven: inputs.nameGiven.value.trim(),
    birthDate: inputs.birthDate.value,
    telecomPhone: inputs.telecomPhone.value.trim() || null,
  };
}

/** Guard a submit button: run ``work``, show its error next to the form, re-enable on failure. */
function submitting(form, button, errors, work) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errors.clear();
    button.disabled = true;
    try {
      await work();
    } catch (error) {
      errors.show(error);
      button.disabled = false;
    }
  });
}

export function openAddPatient(orgId, done) {
  const modal = openModal("Create Patient", { wide: true });
  const lookupErrors = errorBox();
  const lookupEmail = h("input", { type: "email", name: "lookupEmail", autocomplete: "off", placeholder: "name@example.com" });
  const lookupButton = h("button", { type: "submit", class: "btn btn-secondary" }, "Lookup");
  const lookupForm = h("form", { class: "inline-form lookup-form" }, field("Patient E-mail", lookupEmail), lookupButton);
  const found = h("div", { class: "lookup-result", "aria-live": "polite" });

  const createErrors = errorBox();
  const email = h("input", { type: "email", name: "telecomEmail", autocomplete: "off" });
  const inputs = demographicInputs();
  const createButton = h("button", { type: "submit", class: "btn btn-success" }, "Create");
  const createForm = h("form", { class: "form create-patient-form" },
    field("E-mail", email, { required: true, hint: "The patient's login e-mail" }),
    demographicFields(inputs),
    field("Organization", h("input", { type: "text", value: organizationName(orgId), readonly: true })),
    createErrors, h("div", { class: "form-actions" }, createButton));

  submitting(lookupForm, lookupButton, lookupErrors, async () => {
    const address = lookupEmail.value.trim();
    if (!address) throw new Error("Enter the patient's e-mail to look it up.");
    const matches = await api.get("patients/global_lookup", { email: address });
    lookupButton.disabled = false;
    const patient = Array.isArray(matches) ? matches[0] : (matches?.results || [])[0];
    if (!patient) {
      replace(found, h("p", { class: "info" }, "No patient with this e-mail exists yet. Fill in the form below to create one."));
      createForm.hidden = false;
      email.value = address;
      inputs.nameFamily.focus();
      return;
    }
    createForm.hidden = true;
    replace(found, existingPatient(patient, orgId, modal, done));
  });

  submitting(createForm, createButton, createErrors, async () => {
    await api.post("patients", { telecomEmail: email.value.trim(), ...valuesOf(inputs), organizationId: Number(orgId) });
    modal.close();
    if (done) await done();
  });

  replace(modal.body, lookupForm, lookupErrors, found, createForm);
  lookupEmail.focus();
}

function existingPatient(patient, orgId, modal, done) {
  const errors = errorBox();
  const update = h("button", { type: "submit", class: "btn btn-success" }, "Update");
  const form = h("form", { class: "form existing-patient" },
    h("div", { class: "alert alert-info", role: "status" }, EXISTS_TEXT),
    h("dl", { class: "details" },
      h("dt", {}, "ID"), h("dd", {}, String(patient.id)),
      h("dt", {}, "Name"), h("dd", {}, patientName(patient)),
      h("dt", {}, "DOB"), h("dd", {}, patient.birthDate || ""),
      h("dt", {}, "E-mail"), h("dd", {}, patient.telecomEmail || "")),
    errors, h("div", { class: "form-actions" }, update));
  submitting(form, update, errors, async () => {
    await api.patch(`patients/${patient.id}/global_add_organization`, {}, { organization_id: orgId });
    modal.close();
    if (done) await done();
  });
  queueMicrotask(() => update.focus());
  return form;
}

export function openEditPatient(patient, done) {
  const modal = openModal("Update Patient", { wide: true });
  const errors = errorBox();
  const inputs = demographicInputs(patient);
  const update = h("button", { type: "submit", class: "btn btn-success" }, "Update");
  const form = h("form", { class: "form edit-patient-form" },
    field("ID", h("input", { type: "text", value: String(patient.id), readonly: true })),
    field("E-mail", h("input", { type: "email", name: "telecomEmail", value: patient.telecomEmail || "", readonly: true }),
      { hint: "The e-mail is the patient's login and cannot be changed here." }),
    demographicFields(inputs), errors, h("div", { class: "form-actions" }, update));
  submitting(form, update, errors, async () => {
    await api.patch(`patients/${patient.id}`, valuesOf(inputs));
    modal.close();
    if (done) await done();
  });
  replace(modal.body, form);
  inputs.identifier.focus();
}
