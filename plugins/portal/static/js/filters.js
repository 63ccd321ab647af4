// The Organization and Study dropdowns shared by the Patients, Studies and Observations screens.

import * as api from "./api.js";
import { field, select } from "./dom.js";
import { session } from "./session.js";

export function organizationSelect(current, onChange) {
  const options = session.organizations.map((o) => ({ value: o.id, label: o.name }));
  const input = select(options, current, { class: "filter-organization" });
  input.addEventListener("change", () => onChange(input.value));
  return field("Organization", input);
}

/** Studies of an organization (all pages). */
export async function studiesOf(organizationId) {
  if (organizationId === null || organizationId === undefined || organizationId === "") return [];
  return api.all("studies", { organization_id: organizationId });
}

export function studySelect(studies, current, onChange) {
  const options = [{ value: "", label: "All Studies" }, ...studies.map((s) => ({ value: s.id, label: s.name }))];
  const input = select(options, current ?? "", { class: "filter-study" });
  input.addEventListener("change", () => onChange(input.value));
  return field("Study", input);
}

/** The organization to show: the one in the address, else the last one chosen. */
export function organizationFrom(params) {
  const wanted = params.organization !== undefined ? Number(params.organization) : session.selectedOrganization;
  const known = session.organizations.find((o) => Number(o.id) === wanted);
  return known ? Number(known.id) : (session.organizations[0] ? Number(session.organizations[0].id) : null);
}
