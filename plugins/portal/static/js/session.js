// Who is logged in, their role per organization (which buttons show), and shared look-ups.

import * as api from "./api.js";

const WRITE_ROLES = new Set(["manager", "member"]);

export const session = {
  profile: null,
  roles: new Map(), // organization id -> "manager" | "member" | "viewer"
  superuser: false,
  organizations: [],
  dataSources: null,
  selectedOrganization: null,
};

function isSuperuser(profile) {
  return Boolean(profile?.isSuperuser ?? profile?.is_superuser ?? profile?.superuser ?? false);
}

/** Load the profile and the organizations, and work out the role in each. */
export async function loadSession() {
  session.profile = await api.get("users/profile");
  session.superuser = isSuperuser(session.profile);
  session.roles = new Map();
  const practitioner = session.profile?.practitioner || {};
  for (const org of practitioner.organizations || []) {
    if (org.role) session.roles.set(Number(org.id), org.role);
  }
  await reloadOrganizations();
  // Older answers list organizations without the role: read it from the organization's practitioners.
  const email = (session.profile?.email || "").toLowerCase();
  for (const org of session.organizations) {
    if (session.roles.has(Number(org.id))) continue;
    const me = (org.practitioners || []).find((p) =>
      (p.email || "").toLowerCase() === email || (practitioner.id && p.id === practitioner.id));
    if (me?.role) session.roles.set(Number(org.id), me.role);
  }
  if (session.selectedOrganization === null && session.organizations.length) {
    const stored = Number(sessionStorage.getItem("jhe.portal.organization"));
    const known = session.organizations.some((o) => Number(o.id) === stored);
    session.selectedOrganization = known ? stored : Number(session.organizations[0].id);
  }
  return session;
}

export async function reloadOrganizations() {
  session.organizations = await api.all("organizations");
  return session.organizations;
}

export function roleIn(organizationId) {
  if (session.superuser) return "superuser";
  return session.roles.get(Number(organizationId)) || null;
}

/** Manage patients, studies, enrollment, scope requests and study data sources. */
export function canWrite(organizationId) {
  return session.superuser || WRITE_ROLES.has(roleIn(organizationId));
}

/** Manage the organization itself and its practitioners. */
export function canManage(organizationId) {
  return session.superuser || roleIn(organizationId) === "manager";
}

export function selectOrganization(id) {
  session.selectedOrganization = id === null || id === "" ? null : Number(id);
  if (session.selectedOrganization !== null) sessionStorage.setItem("jhe.portal.organization", String(id));
}

export function organizationName(id) {
  const org = session.organizations.find((o) => Number(o.id) === Number(id));
  return org ? org.name : `Organization ${id}`;
}

/** Data sources with their supported scopes (cached for the session). */
export async function dataSources() {
  if (!session.dataSources) session.dataSources = await api.all("data_sources");
  return session.dataSources;
}

/** Every known data type (scope), from the data sources' supported scopes, by id. */
export async function scopeCatalog() {
  const codes = new Map();
  for (const source of await dataSources()) {
    for (const scope of source.supportedScopes || []) codes.set(Number(scope.id), scope);
  }
  return [...codes.values()].sort((a, b) => (a.text || a.codingCode).localeCompare(b.text || b.codingCode));
}

export function scopeLabel(scope) {
  if (!scope) return "";
  return scope.text || scope.codingCode || String(scope.id ?? "");
}
