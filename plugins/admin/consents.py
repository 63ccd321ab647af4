"""``/api/v1/patients/{id}/consents``: a patient's consent status, and granting or revoking
consent (by the patient, or by a member or manager on the patient's behalf)."""

from jhe_core import models as m
from jhe_core.errors import BadRequest
from jhe_core.services import access
from jhe_core.services import consents as service
from jhe_core.services import studies as study_service

from jhe_plugins.admin.api import base_url, operation, require, send
from jhe_plugins.admin.fields import Body
from jhe_plugins.admin.representations import (
    code_json,
    data_sources_json,
    isoformat,
    organization_summary,
    patients_json,
)

TAG = "patients"


def _sees_every_study(actor, patient) -> bool:
    return actor.is_superuser or (actor.patient is not None and actor.patient.id == patient.id)


def study_filter(actor, patient):
    """A practitioner sees the patient's studies in their own organizations only."""
    return None if _sees_every_study(actor, patient) else study_service.visible_studies(actor)


def overview_json(req, patient) -> dict:
    actor = req.context.actor
    overview = service.overview(patient, study_filter(actor, patient))
    sources = study_service.study_data_sources([entry.study.id for entry in overview.studies])
    source_json = {s["id"]: s for s in data_sources_json(
        list({d.id: d for ds in sources.values() for d in ds}.values()))}
    visible_orgs = None if _sees_every_study(actor, patient) else set(actor.roles)
    pending, answered = [], []
    for entry in overview.studies:
        study = {"id": entry.study.id, "name": entry.study.name, "description": entry.study.description,
                 "organization": organization_summary(entry.study.organization),
                 "iconUrl": entry.study.icon_url,
                 "dataSources": [source_json[d.id] for d in sources[entry.study.id]]}
        if entry.pending:
            pending.append({**study, "pendingScopeConsents": [
                {"code": code_json(code), "consented": None, "consentedTime": None} for code in entry.pending]})
        if entry.answered:
            answered.append({**study, "scopeConsents": [
                {"code": code_json(code), "consented": consented, "consentedTime": isoformat(time)}
                for code, consented, time in entry.answered]})
    return {
        "patient": patients_json([patient], base_url(req), None, visible_orgs)[0],
        "consolidatedConsentedScopes": [code_json(code) for code in overview.consented_codes],
        "studiesPendingConsent": pending,
        "studies": answered,
    }


def read_decisions(req, patient) -> list:
    """``[(study, code, consented)]`` from ``studyScopeConsents``, every entry validated."""
    actor = req.context.actor
    body = Body.from_request(req)
    decisions = []
    for entry in body.objects("study_scope_consents", required=True):
        study_id = entry.id("study_id", required=True)
        study = m.Study.get_or_none(m.Study.id == study_id)
        if study is None:
            raise BadRequest(f"{entry.label('study_id')}: study {study_id} not found.", path=entry.label("study_id"))
        if not _sees_every_study(actor, patient):
            require(req, "study.view", study)
        for item in entry.objects("scope_consents", required=True):
            consented = item.boolean("consented", required=True)
            code_id = item.id("scope_code_id", default=None)
            if code_id is not None:
                code = m.CodeableConcept.get_or_none(m.CodeableConcept.id == code_id)
            else:
                system = item.text("coding_system", default=None)
                code = service.find_code(system, item.text("coding_code", required=True))
            if code is None:
                raise BadRequest(f"{item.label('coding_code')}: unknown scope code.", path=item.label("coding_code"))
            decisions.append((study, code, consented))
    return decisions


class PatientConsentsResource:
    @operation("A patient's consents: consented scopes, studies pending a decision, answered studies",
               tag=TAG, response="ConsentOverview")
    def on_get(self, req, resp, id):
        patient = access.get_visible_patient(req.context.actor, id)
        require(req, "consent.view", patient)
        send(resp, overview_json(req, patient))

    @operation("Grant (consented: true) or revoke (consented: false) consent for scopes of studies the "
               "patient is enrolled in (the patient, or a member or manager on their behalf)", tag=TAG,
               response="ConsentOverview", body="ConsentDecisions")
    def on_post(self, req, resp, id):
        patient = access.get_visible_patient(req.context.actor, id)
        require(req, "consent.manage", patient)
        service.record_consents(patient, read_decisions(req, patient))
        send(resp, overview_json(req, patient))
