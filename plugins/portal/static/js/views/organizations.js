// Organizations: table; view (studies with "+" Add Study, practitioners and roles); edit; delete.

import * as api from "../api.js";
import { confirmAction, errorBox, field, h, iconButton, loading, openModal, replace, select } from "../dom.js";
import { canManage, canWrite, organizationName, reloadOrganizations, session } from "../session.js";
import { openCreateStudy } from "./study-forms.js";

export const ORGANIZATION_TYPES = [
  ["prov", "Healthcare Provider"], ["dept", "Hospital Department"], ["team", "Organizational team"],
  ["govt", "Government"], ["ins", "Insurance Company"], ["pay", "Payer"], ["edu", "Educational Institute"],
  ["reli", "Religious Institution"], ["crs", "Clinical Research Sponsor"], ["cg", "Community Group"],
  ["bus", "Non-Healthcare Business or Corporation"], ["other", "Other"],
];
const ROLES = ["manager", "member", "viewer"];

const typeLabel = (code) => (ORGANIZATION_TYPES.find(([value]) => value === code) || [code, code])[1];

export async function render(main) {
  replace(main, loading());
  const organizations = await reloadOrganizations();
  const canCreate = session.superuser || organizations.some((o) => canManage(o.id));
  const rows = organizations.map((org) => h("tr", { dataset: { id: org.id } },
    h("td", { class: "actions" },
      iconButton("view", `View organization ${org.name}`, () => openOrganization(org.id, main)),
      canManage(org.id) ? iconButton("edit", `Edit organization ${org.name}`, () => openOrganizationForm(main, org)) : null,
      canManage(org.id) ? iconButton("delete", `Delete organization ${org.name}`, () => confirmAction({
        message: "Are you sure you want to delete this entire record?",
        action: () => api.del(`organizations/${org.id}`),
        done: () => render(main),
      })) : null),
    h("td", {}, String(org.id)),
    h("td", {}, org.name),
    h("td", {}, typeLabel(org.type)),
    h("td", {}, org.partOf ? organizationName(org.partOf?.id ?? org.partOf) : "")));
  replace(main,
    h("div", { class: "toolbar" },
      h("h1", {}, "Organizations"),
      canCreate ? h("button", { type: "button", class: "btn btn-success", onclick: () => openOrganizationForm(main) },
        "Add Organization...") : null),
    h("div", { class: "table-wrap" }, h("table", { class: "data-table organizations-table" },
      h("thead", {}, h("tr", {}, h("th", {}, h("span", { class: "visually-hidden" }, "Actions")), h("th", {}, "ID"),
        h("th", {}, "Name"), h("th", {}, "Type"), h("th", {}, "Part of"))),
      h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { colspan: 5 }, "You belong to no organization yet."))))));
}

/** Create (no ``org``) or update an organization. */
function openOrganizationForm(main, org = null) {
  const modal = openModal(org ? "Update Organization" : "Create Organization");
  const errors = errorBox();
  const name = h("input", { type: "text", value: org?.name || "", autocomplete: "off" });
  const type = select(ORGANIZATION_TYPES.map(([value, label]) => ({ value, label })), org?.type || "prov");
  const parents = session.organizations.filter((o) => canManage(o.id) && (!org || o.id !== org.id));
  const parentOptions = [...(session.superuser ? [{ value: "", label: "(top level)" }] : []),
    ...parents.map((o) => ({ value: o.id, label: o.name }))];
  const partOf = select(parentOptions, org ? (org.partOf?.id ?? org.partOf ?? "") : (parentOptions[0]?.value ?? ""));
  const form = h("form", { class: "form" },
    field("Name", name, { required: true }), field("Type", type, { required: true }),
    org ? null : field("Part of", partOf), errors);
  const submit = h("button", { type: "submit", class: "btn btn-success" }, org ? "Update" : "Create");
  form.append(h("div", { class: "form-actions" }, submit));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errors.clear();
    submit.disabled = true;
    try {
      if (org) {
        await api.patch(`organizations/${org.id}`, { name: name.value.trim(), type: type.value });
      } else {
        await api.post("organizations", { name: name.value.trim(), type: type.value,
          partOf: partOf.value === "" ? null : Number(partOf.value) });
      }
      modal.close();
      await render(main);
    } catch (error) {
      errors.show(error);
      submit.disabled = false;
    }
  });
  replace(modal.body, form);
  name.focus();
}

/** The organization's practitioners: its own list endpoint, else the organization's detail. */
async function practitionersOf(orgId) {
  try {
    return await api.all(`organizations/${orgId}/practitioners`);
  } catch (error) {
    if (error.status !== 404 && error.status !== 405) throw error;
    return (await api.get(`organizations/${orgId}`)).practitioners || [];
  }
}

const practitionerId = (p) => p.practitionerId ?? p.id;

async function openOrganization(orgId, main) {
  const modal = openModal("Organization", { wide: true, onClose: () => render(main) });
  replace(modal.body, loading());
  const draw = async () => {
    const [org, studies, practitioners] = await Promise.all([
      api.get(`organizations/${orgId}`), api.all("studies", { organization_id: orgId }), practitionersOf(orgId)]);
    const studiesHeader = h("div", { class: "section-header" }, h("h3", {}, "Studies"),
      canWrite(orgId) ? iconButton("add", "Add Study", () => {
        modal.close();
        openCreateStudy(org, () => render(main));
      }, { class: "icon-btn icon-add add-study" }) : null);
    replace(modal.body,
      h("dl", { class: "details" },
        h("dt", {}, "ID"), h("dd", {}, String(org.id)),
        h("dt", {}, "Name"), h("dd", {}, org.name),
        h("dt", {}, "Type"), h("dd", {}, typeLabel(org.type)),
        h("dt", {}, "Part of"), h("dd", {}, org.partOf ? organizationName(org.partOf?.id ?? org.partOf) : "(top level)")),
      studiesHeader,
      studies.length
        ? h("ul", { class: "plain-list studies-list" }, studies.map((s) => h("li", {}, h("strong", {}, s.name), ` (ID ${s.id})`)))
        : h("p", { class: "muted" }, "No studies yet."),
      practitionersSection(orgId, practitioners, draw));
  };
  try {
    await draw();
  } catch (error) {
    const box = errorBox();
    box.show(error);
    replace(modal.body, box);
  }
}

function practitionersSection(orgId, practitioners, redraw) {
  const manage = canManage(orgId);
  const errors = errorBox();
  const guarded = (work) => async () => {
    errors.clear();
    try { await work(); await redraw(); } catch (error) { errors.show(error); }
  };
  const rows = practitioners.map((p) => {
    const label = p.email || `${p.nameGiven || p.firstName || ""} ${p.nameFamily || p.lastName || ""}`.trim();
    const role = manage
      ? select(ROLES.map((r) => ({ value: r, label: r })), p.role, { "aria-label": `Role of ${label}`, class: "role-select" })
      : h("span", { class: `badge role-${p.role}` }, p.role);
    if (manage) {
      role.addEventListener("change", guarded(() =>
        api.patch(`organizations/${orgId}/practitioners/${practitionerId(p)}`, { role: role.value })));
    }
    return h("tr", {},
      h("td", {}, label),
      h("td", {}, [p.firstName ?? p.nameGiven, p.lastName ?? p.nameFamily].filter(Boolean).join(" ")),
      h("td", {}, role),
      manage ? h("td", { class: "actions" }, iconButton("delete", `Remove ${label} from the organization`, () => confirmAction({
        message: `Remove ${label} from ${organizationName(orgId)}?`, confirmLabel: "Remove",
        action: () => api.del(`organizations/${orgId}/practitioners/${practitionerId(p)}`),
        done: redraw,
      }))) : null);
  });
  const section = h("section", { class: "practitioners" },
    h("div", { class: "section-header" }, h("h3", {}, "Practitioners")),
    h("div", { class: "table-wrap" }, h("table", { class: "data-table compact" },
      h("thead", {}, h("tr", {}, h("th", {}, "E-mail"), h("th", {}, "Name"), h("th", {}, "Role"),
        manage ? h("th", {}, h("span", { class: "visually-hidden" }, "Actions")) : null)),
      h("tbody", {}, rows))));
  if (manage) {
    const email = h("input", { type: "email", autocomplete: "off", placeholder: "name@example.com" });
    const role = select(ROLES.map((r) => ({ value: r, label: r })), "member");
    const form = h("form", { class: "inline-form add-practitioner" },
      field("Practitioner E-mail", email, { required: true }), field("Role", role),
      h("button", { type: "submit", class: "btn btn-success" }, "Add"));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      await guarded(() => api.post(`organizations/${orgId}/practitioners`, { email: email.value.trim(), role: role.value }))();
    });
    section.append(form);
  }
  section.append(errors);
  return section;
}
