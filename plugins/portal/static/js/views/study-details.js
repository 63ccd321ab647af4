// Study details: data sources and scope requests ("+" dropdown with Add, trash to remove), and
// the enrollment overview: consent counts and each patient's last upload, so a coordinator sees
// who stopped uploading.

import * as api from "../api.js";
import { errorBox, formatDateTime, h, iconButton, loading, openModal, patientName, remoteImage, replace, select, timeAgo } from "../dom.js";
import { canWrite, dataSources, organizationName, scopeCatalog, scopeLabel } from "../session.js";

const STALE_AFTER_DAYS = 7;

export function openStudyDetails(studyId, orgId, onClose) {
  const modal = openModal("Study", { wide: true, onClose });
  const body = h("div");
  const enrollment = h("section", { class: "enrollment" }, h("h3", {}, "Enrollment"), loading());
  replace(modal.body, body, enrollment);
  const draw = async () => {
    const study = await api.get(`studies/${studyId}`);
    const orgName = study.organization?.name || organizationName(study.organization?.id ?? study.organization ?? orgId);
    replace(body,
      h("dl", { class: "details study-details" },
        h("dt", {}, "Study ID"), h("dd", {}, String(study.id)),
        h("dt", {}, "Name"), h("dd", {}, study.name),
        h("dt", {}, "Description"), h("dd", {}, study.description || ""),
        h("dt", {}, "Icon URL"), h("dd", {}, study.iconUrl || "",
          study.iconUrl ? remoteImage(study.iconUrl, { class: "icon-preview", alt: "Study icon" }) : null),
        h("dt", {}, "Organization"), h("dd", {}, orgName)),
      await linkedSection({
        title: "Data Sources", kind: "data-sources", items: study.dataSources || [], write: canWrite(orgId),
        label: (d) => d.name,
        available: async () => (await dataSources()).map((d) => ({ value: d.id, label: d.name })),
        add: (id) => api.post(`studies/${study.id}/data_sources`, { data_source_id: Number(id) }),
        remove: (item) => api.del(`studies/${study.id}/data_sources`, { data_source_id: item.id }),
        redraw: draw,
      }),
      await linkedSection({
        title: "Scope Requests", kind: "scope-requests", items: study.scopeRequests || [], write: canWrite(orgId),
        label: scopeLabel,
        available: async () => (await scopeCatalog()).map((s) => ({ value: s.id, label: scopeLabel(s) })),
        add: (id) => api.post(`studies/${study.id}/scope_requests`, { scope_code_id: Number(id) }),
        remove: (item) => api.del(`studies/${study.id}/scope_requests`, { scope_code_id: item.id ?? item.scopeCodeId }),
        redraw: draw,
        warning: "Removing a scope request stops collecting that data type from now on.",
      }));
    return study;
  };
  draw()
    .then((study) => drawEnrollment(enrollment, study, orgId))
    .catch((error) => {
      const box = errorBox();
      box.show(error);
      replace(body, box);
    });
  return modal;
}

/** A titled list with "+" (a dropdown and an Add button) and a trash button per item. */
async function linkedSection({ title, kind, items, write, label, available, add, remove, redraw, warning }) {
  const errors = errorBox();
  const guarded = async (work) => {
    errors.clear();
    try { await work(); await redraw(); } catch (error) { errors.show(error); }
  };
  let addForm = null;
  let plus = null;
  if (write) {
    const taken = new Set(items.map((i) => String(i.id)));
    const options = (await available()).filter((o) => !taken.has(String(o.value)));
    const chooser = select(options, options[0]?.value, { "aria-label": `${title} to add` });
    addForm = h("form", { class: "inline-form add-linked", hidden: true }, chooser,
      h("button", { type: "submit", class: "btn btn-success", disabled: !options.length }, "Add"));
    addForm.addEventListener("submit", (event) => {
      event.preventDefault();
      guarded(() => add(chooser.value));
    });
    plus = iconButton("add", `Add ${title}`, () => {
      addForm.hidden = !addForm.hidden;
      plus.setAttribute("aria-expanded", String(!addForm.hidden));
      if (!addForm.hidden) chooser.focus();
    }, { class: "icon-btn icon-add", "aria-expanded": "false" });
  }
  return h("section", { class: `linked ${kind}` },
    h("div", { class: "section-header" }, h("h3", {}, title), plus),
    addForm,
    items.length ? h("ul", { class: "plain-list linked-list" }, items.map((item) => h("li", {},
      h("span", {}, label(item)),
      write ? iconButton("delete", `Remove ${label(item)}`, () => guarded(() => remove(item))) : null)))
      : h("p", { class: "muted" }, "None yet."),
    write && warning && items.length ? h("small", { class: "hint" }, warning) : null,
    errors);
}

async function mapLimited(items, limit, work) {
  const results = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  });
  await Promise.all(workers);
  return results;
}

/** Consent state of one patient for this study: consented / declined / pending codes. */
function consentState(consents, studyId) {
  const responded = (consents?.studies || []).find((s) => Number(s.id) === Number(studyId));
  const pending = (consents?.studiesPendingConsent || []).find((s) => Number(s.id) === Number(studyId));
  const scopeConsents = responded?.scopeConsents || [];
  return {
    consented: scopeConsents.filter((c) => c.consented === true).length,
    declined: scopeConsents.filter((c) => c.consented === false).length,
    pending: (pending?.pendingScopeConsents || []).length,
  };
}

/** When this patient last uploaded for this study: the newest observation's creation time. */
async function lastUpload(orgId, studyId, patientId) {
  const params = { organization_id: orgId, study_id: studyId, patient_id: patientId };
  const first = await api.page("observations", { ...params, limit: 1 });
  if (!first.count) return null;
  const newest = first.count > 1 ? (await api.page("observations", { ...params, limit: 1, offset: first.count - 1 })).results[0]
    : first.results[0];
  const candidates = [first.results[0], newest].filter(Boolean).map((o) => o.created).filter(Boolean).sort();
  return candidates[candidates.length - 1] || null;
}

async function drawEnrollment(section, study, orgId) {
  const errors = errorBox();
  try {
    const patients = await api.all("patients", { organization_id: orgId, study_id: study.id });
    const rows = await mapLimited(patients, 4, async (patient) => {
      const [consents, uploaded] = await Promise.all([
        api.get(`patients/${patient.id}/consents`).catch(() => null),
        lastUpload(orgId, study.id, patient.id).catch(() => undefined),
      ]);
      return { patient, state: consentState(consents, study.id), uploaded };
    });
    const totals = {
      enrolled: rows.length,
      consented: rows.filter((r) => r.state.consented > 0).length,
      declined: rows.filter((r) => r.state.declined > 0 && r.state.consented === 0).length,
      pending: rows.filter((r) => r.state.pending > 0).length,
    };
    const staleBefore = Date.now() - STALE_AFTER_DAYS * 86400000;
    replace(section, h("h3", {}, "Enrollment"),
      h("div", { class: "stat-row" },
        stat("Enrolled", totals.enrolled), stat("Consented", totals.consented),
        stat("Declined", totals.declined), stat("Awaiting response", totals.pending)),
      rows.length ? h("div", { class: "table-wrap" }, h("table", { class: "data-table compact enrollment-table" },
        h("thead", {}, h("tr", {}, h("th", {}, "Patient"), h("th", {}, "Consent"), h("th", {}, "Last upload"))),
        h("tbody", {}, rows.map(({ patient, state, uploaded }) => {
          const stale = !uploaded || new Date(uploaded).getTime() < staleBefore;
          return h("tr", { class: stale ? "stale" : "" },
            h("td", {}, patientName(patient)),
            h("td", {}, `${state.consented} consented, ${state.declined} declined, ${state.pending} pending`),
            h("td", {}, uploaded === undefined ? "unknown"
              : uploaded ? h("time", { datetime: uploaded, title: formatDateTime(uploaded) }, timeAgo(uploaded)) : "never"));
        }))))
        : h("p", { class: "muted" }, "No patients are enrolled yet."),
      errors);
  } catch (error) {
    errors.show(error);
    replace(section, h("h3", {}, "Enrollment"), errors);
  }
}

function stat(label, value) {
  return h("div", { class: "stat" }, h("span", { class: "stat-value" }, String(value)), h("span", { class: "stat-label" }, label));
}
