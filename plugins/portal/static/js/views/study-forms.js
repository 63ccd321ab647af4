// "Create Study" (from an organization) and "Update Study": name, description, icon URL with preview.

import * as api from "../api.js";
import { errorBox, field, h, iconPreview, openModal, replace } from "../dom.js";
import { organizationName } from "../session.js";

function studyForm({ title, study, organization, submitLabel, save, done }) {
  const modal = openModal(title);
  const errors = errorBox();
  const name = h("input", { type: "text", value: study?.name || "", autocomplete: "off", name: "name" });
  const description = h("textarea", { rows: 4, name: "description" }, study?.description || "");
  const iconUrl = h("input", { type: "url", value: study?.iconUrl || "", placeholder: "https://", name: "iconUrl" });
  const orgName = h("input", { type: "text", value: organization.name || organizationName(organization.id),
    readonly: true, name: "organization" });
  const submit = h("button", { type: "submit", class: "btn btn-success" }, submitLabel);
  const form = h("form", { class: "form study-form" },
    study?.id ? field("ID", h("input", { type: "text", value: String(study.id), readonly: true })) : null,
    field("Name", name, { required: true }),
    field("Description", description, { required: true }),
    field("Icon URL", iconUrl),
    h("div", { class: "icon-preview-wrap" }, iconPreview(iconUrl)),
    field("Organization Name", orgName),
    errors,
    h("div", { class: "form-actions" }, submit));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errors.clear();
    submit.disabled = true;
    try {
      await save({ name: name.value.trim(), description: description.value.trim(), iconUrl: iconUrl.value.trim() || null });
      modal.close();
      if (done) await done();
    } catch (error) {
      errors.show(error);
      submit.disabled = false;
    }
  });
  replace(modal.body, form);
  name.focus();
  return modal;
}

export function openCreateStudy(organization, done) {
  return studyForm({
    title: "Create Study", organization, submitLabel: "Create", done,
    save: (values) => api.post("studies", { ...values, organization: Number(organization.id) }),
  });
}

export function openEditStudy(study, done) {
  const organization = typeof study.organization === "object" && study.organization
    ? study.organization : { id: study.organization ?? study.organizationId };
  return studyForm({
    title: "Update Study", study, organization, submitLabel: "Update", done,
    save: (values) => api.patch(`studies/${study.id}`, values),
  });
}
