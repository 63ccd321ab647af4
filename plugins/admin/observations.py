"""``/api/v1/observations``: stored observations with their Open mHealth data decoded
(``valueAttachmentData``), filtered by organization, study, patient and code."""

import base64
import binascii
import datetime
import json

from jhe_core import models as m
from jhe_core.errors import BadRequest
from jhe_core.services import access
from jhe_core.services import organizations as organization_service
from jhe_core.services import studies as study_service

from jhe_plugins.admin.api import PAGING, Param, operation, require, send
from jhe_plugins.admin.fields import query_id, query_text
from jhe_plugins.admin.pagination import paginate
from jhe_plugins.admin.representations import isoformat

TAG = "observations"


def decode_attachment(resource: dict):
    """The JSON inside ``valueAttachment.data`` (base64), or None when absent or not JSON."""
    data = (resource.get("valueAttachment") or {}).get("data")
    if not isinstance(data, str):
        return None
    try:
        return json.loads(base64.b64decode(data, validate=False))
    except (binascii.Error, ValueError):
        return None


def observations_json(exchange, rows) -> list[dict]:
    result = []
    for row in rows:
        try:
            resource = json.loads(row.resource)
        except ValueError:
            resource = {}
        data = decode_attachment(resource)
        # A plugin (Open mHealth) may present the data its own way; else the decoded JSON.
        shown = exchange.hook.observation_data_view(exchange=exchange, observation=row, data=data)
        patient = row.patient
        result.append({
            "id": row.id,
            "subjectPatient": row.patient_id,
            "patientNameDisplay": f"{patient.name_family}, {patient.name_given}",
            "codeableConcept": row.code_id,
            "codingSystem": row.code.coding_system,
            "codingCode": row.code.coding_code,
            "dataSource": row.data_source_id,
            "status": row.status,
            "valueAttachmentData": shown if shown is not None else data,
            "created": isoformat(row.created),
            "lastUpdated": isoformat(row.last_updated),
        })
    return result


def query_day(req, name: str):
    """A ``YYYY-MM-DD`` day from the query string as a naive UTC midnight, or None."""
    raw = query_text(req, name, max_length=10)
    if raw is None:
        return None
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a date (YYYY-MM-DD), got {raw!r}.", path=name) from None
    return datetime.datetime(day.year, day.month, day.day)


class ObservationsResource:
    @operation("Observations the caller may see, newest data decoded", tag=TAG, response="list:Observation",
               query=(Param("organization_id", "Only patients of this organization."),
                      Param("study_id", "Only patients enrolled in this study, and only the codes it requests."),
                      Param("patient_id", "Only this patient."),
                      Param("coding_code", "Only this code, e.g. omh:blood-glucose:4.0.", {"type": "string"}),
                      Param("date_from", "Only data measured on or after this day (UTC), YYYY-MM-DD.",
                            {"type": "string", "format": "date"}),
                      Param("date_to", "Only data measured on or before this day (UTC), YYYY-MM-DD.",
                            {"type": "string", "format": "date"}))
               + PAGING)
    def on_get(self, req, resp):
        actor = req.context.actor
        query = (m.Observation.select(m.Observation, m.Patient, m.CodeableConcept)
                 .join(m.Patient).switch(m.Observation).join(m.CodeableConcept))
        query = access.restrict_observations(query, actor)
        organization_id = query_id(req, "organization_id")
        if organization_id is not None:
            require(req, "organization.view", organization_service.get_organization(organization_id))
            query = query.where(m.Observation.patient.in_(
                m.PatientOrganization.select(m.PatientOrganization.patient)
                .where(m.PatientOrganization.organization == organization_id)))
        study_id = query_id(req, "study_id")
        if study_id is not None:
            require(req, "study.view", study_service.get_study(study_id))
            query = query.where(
                m.Observation.patient.in_(m.StudyPatient.select(m.StudyPatient.patient)
                                          .where(m.StudyPatient.study == study_id))
                & m.Observation.code.in_(m.StudyScopeRequest.select(m.StudyScopeRequest.scope_code)
                                         .where(m.StudyScopeRequest.study == study_id)))
        patient_id = query_id(req, "patient_id")
        if patient_id is not None:
            patient = access.get_visible_patient(actor, patient_id)
            require(req, "observation.view", patient)
            query = query.where(m.Observation.patient == patient.id)
        coding_code = query_text(req, "coding_code")
        if coding_code:
            query = query.where(m.CodeableConcept.coding_code == coding_code)
        date_from = query_day(req, "date_from")
        if date_from is not None:
            query = query.where(m.Observation.effective_start >= date_from)
        date_to = query_day(req, "date_to")
        if date_to is not None:  # the whole day counts
            query = query.where(m.Observation.effective_start < date_to + datetime.timedelta(days=1))
        exchange = req.context.exchange
        send(resp, paginate(req, query.order_by(m.Observation.id), lambda rows: observations_json(exchange, rows)))
