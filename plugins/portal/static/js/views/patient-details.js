// Patient details: demographics, organizations, consent per study (pending / responded with a
// check or a cross per data type), a time-series chart per data type, and the invitation link.

import * as api from "../api.js";
import { timeSeriesChart, chartLegend } from "../chart.js";
import { errorBox, field, h, loading, openModal, patientName, replace, select } from "../dom.js";
import { seriesOf } from "../omh.js";
import { canWrite, organizationName, scopeCatalog, scopeLabel } from "../session.js";

const CHART_LIMIT = 1000;

export async function openPatientDetails(patient, orgId) {
  const modal = openModal(`Patient ${patientName(patient)}`, { wide: true });
  replace(modal.body, loading());
  const problems = errorBox();
  const [detail, consents] = await Promise.all([
    api.get(`patients/${patient.id}`, { organization_id: orgId }).catch(() => patient),
    api.get(`patients/${patient.id}/consents`).catch((error) => { problems.show(error); return null; }),
  ]);
  const p = { ...patient, ...detail };
  replace(modal.body,
    h("dl", { class: "details patient-details" },
      h("dt", {}, "ID"), h("dd", {}, String(p.id)),
      h("dt", {}, "Name"), h("dd", {}, patientName(p)),
      h("dt", {}, "DOB"), h("dd", {}, p.birthDate || ""),
      h("dt", {}, "E-mail"), h("dd", {}, p.telecomEmail || ""),
      h("dt", {}, "Cell"), h("dd", {}, p.telecomPhone || ""),
      h("dt", {}, "External Identifier"), h("dd", {}, p.identifier || "")),
    problems,
    organizationsSection(p),
    consents ? consentSections(consents) : null,
    dataSection(p, orgId),
    canWrite(orgId) ? invitationSection(p) : null);
}

function organizationsSection(p) {
  const listed = p.organizations || (p.organizationId !== undefined && p.organizationId !== null
    ? [{ id: p.organizationId }] : []);
  return h("section", { class: "patient-organizations" }, h("h3", {}, "Organizations"),
    h("ul", { class: "plain-list" }, listed.map((o) => h("li", {}, o.name || organizationName(o.id ?? o)))));
}

function scopeText(consent) {
  return scopeLabel(consent.code || consent.scopeCode || consent);
}

function consentSections(consents) {
  const pending = consents.studiesPendingConsent || [];
  const responded = consents.studies || [];
  return [
    h("section", { class: "studies-pending" }, h("h3", {}, "Studies Pending Response"),
      pending.length ? h("ul", { class: "plain-list" }, pending.map((study) => h("li", {},
        h("strong", {}, study.name), " \u2014 awaiting: ",
        (study.pendingScopeConsents || []).map(scopeText).join(", ") || "no data types")))
        : h("p", { class: "muted" }, "None")),
    h("section", { class: "studies-responded" }, h("h3", {}, "Studies Responded To"),
      responded.length ? h("ul", { class: "plain-list" }, responded.map((study) => h("li", {},
        h("strong", {}, study.name),
        h("ul", { class: "consent-list" }, (study.scopeConsents || []).map((consent) => h("li", {},
          consent.consented
            ? h("span", { class: "consent-yes", "aria-label": "Consented", title: "Consented" }, "\u2713")
            : h("span", { class: "consent-no", "aria-label": "Declined", title: "Declined" }, "\u2717"),
          " ", scopeText(consent)))))))
        : h("p", { class: "muted" }, "None")),
  ];
}

/** Values over time per data type, drawn from the patient's observations. */
function dataSection(p, orgId) {
  const area = h("div", { class: "chart-area" }, loading("Loading data\u2026"));
  const section = h("section", { class: "patient-data" }, h("h3", {}, "Data over time"), area);
  Promise.all([api.page("observations", { organization_id: orgId, patient_id: p.id, limit: CHART_LIMIT }),
    scopeCatalog().catch(() => [])])
    .then(([{ results, count }, catalog]) => drawCharts(area, results, count,
      new Map(catalog.map((scope) => [scope.codingCode, scopeLabel(scope)]))))
    .catch((error) => {
      const box = errorBox();
      box.show(error);
      replace(area, box);
    });
  return section;
}

function drawCharts(area, observations, count, labels) {
  const byType = new Map();
  for (const o of observations) {
    const key = o.codingCode || String(o.codeableConcept);
    if (!byType.has(key)) byType.set(key, []);
    byType.get(key).push(o);
  }
  if (!byType.size) {
    replace(area, h("p", { class: "muted" }, "No observations uploaded yet."));
    return;
  }
  const types = [...byType.keys()].sort();
  const chooser = select(types.map((t) => ({ value: t, label: labels.get(t) || t })), types[0], { class: "chart-type" });
  const canvas = h("div", { class: "chart-canvas" });
  const draw = () => {
    const series = seriesOf(byType.get(chooser.value));
    if (!series.length) {
      replace(canvas, h("p", { class: "muted" }, "These observations hold no numeric values to chart."));
      return;
    }
    replace(canvas, timeSeriesChart(series, { title: labels.get(chooser.value) || chooser.value }), chartLegend(series));
  };
  chooser.addEventListener("change", draw);
  replace(area, field("Data Type", chooser),
    count > observations.length ? h("p", { class: "muted" }, `Showing the first ${observations.length} of ${count} observations.`) : null,
    canvas);
  draw();
}

function invitationSection(p) {
  const errors = errorBox();
  const sendEmail = h("input", { type: "checkbox", id: `send-email-${p.id}`, checked: true });
  const link = h("textarea", { readonly: true, rows: 3, class: "invitation-link", "aria-label": "Invitation link",
    placeholder: "The link appears here" });
  const copied = h("span", { class: "copied", role: "status" });
  const copy = h("button", { type: "button", class: "btn btn-secondary", disabled: true }, "Copy to Clipboard");
  const generate = h("button", { type: "button", class: "btn btn-success" }, "Generate Invitation Link");
  generate.addEventListener("click", async () => {
    errors.clear();
    copied.textContent = "";
    generate.disabled = true;
    try {
      const answer = await api.get(`patients/${p.id}/invitation_link`, sendEmail.checked ? { send_email: "true" } : {});
      link.value = answer.invitationLink || "";
      copy.disabled = !link.value;
      if (sendEmail.checked) copied.textContent = `The link was e-mailed to ${p.telecomEmail}.`;
    } catch (error) {
      errors.show(error);
    } finally {
      generate.disabled = false;
    }
  });
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(link.value);
    } catch {
      // Without clipboard permission (plain http), fall back to selecting and copying the text.
      link.select();
      document.execCommand("copy");
    }
    copied.textContent = "Copied to the clipboard.";
  });
  return h("section", { class: "invitation" }, h("h3", {}, "Generate Invitation Link"),
    h("div", { class: "checkbox-field" }, sendEmail, h("label", { for: sendEmail.id }, "Send link by email")),
    h("div", { class: "button-row" }, generate, copy), link, copied, errors);
}
