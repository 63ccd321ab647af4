"""``/api/v1/patients``: create, list, read, update and remove patients; look them up across
organizations and add them to another one."""

from jhe_core import models as m
from jhe_core.errors import BadRequest
from jhe_core.services import access
from jhe_core.services import organizations as organization_service
from jhe_core.services import patients as service
from jhe_core.services import studies as study_service

from jhe_plugins.admin.api import PAGING, Param, allowed, base_url, no_content, operation, require, send
from jhe_plugins.admin.fields import Body, query_id, query_text
from jhe_plugins.admin.pagination import paginate
from jhe_plugins.admin.representations import patient_lookup_json, patients_json

TAG = "patients"
ORGANIZATION_PARAM = Param("organization_id", "Only patients of this organization.")
STUDY_PARAM = Param("study_id", "Only patients enrolled in this study.")


def visible_organization_ids(actor):
    """Organizations whose membership the caller may see in a patient's JSON (None: all)."""
    if actor.is_superuser or (actor.patient is not None and actor.practitioner is None):
        return None
    return set(actor.roles)


def render(req, patients, organization_id=None) -> list[dict]:
    return patients_json(patients, base_url(req), organization_id, visible_organization_ids(req.context.actor))


def read_demographics(body: Body, *, creating: bool) -> dict:
    """The patient fields of a create or update body, validated, keyed as the service wants."""
    changes = {}
    for name in ("name_family", "name_given"):
        value = body.text(name, required=creating, max_length=255)
        if value is not None:
            changes[name] = value
    birth_date = body.date("birth_date", required=creating, default=None)
    if birth_date is not None:
        changes["birth_date"] = birth_date
    email = body.text("telecom_email", required=creating, max_length=254)
    if email is not None:
        changes["email"] = email
    for name in ("telecom_phone", "identifier"):
        if body.has(name):
            changes[name] = body.text(name, nullable=True, max_length=50 if name == "telecom_phone" else 255)
    if body.has("identifiers"):
        pairs = []
        for item in (body.objects("identifiers") if body.data["identifiers"] else []):
            pairs.append((item.text("system", required=True), item.text("value", required=True)))
        changes["identifiers"] = pairs
    return changes


class PatientsResource:
    @operation("Patients the caller may see, by organization and study", tag=TAG, response="list:Patient",
               query=(ORGANIZATION_PARAM, STUDY_PARAM) + PAGING)
    def on_get(self, req, resp):
        query = access.visible_patients(req.context.actor)
        organization_id = query_id(req, "organization_id")
        if organization_id is not None:
            require(req, "organization.view", organization_service.get_organization(organization_id))
            query = query.where(m.Patient.id.in_(
                m.PatientOrganization.select(m.PatientOrganization.patient)
                .where(m.PatientOrganization.organization == organization_id)))
        study_id = query_id(req, "study_id")
        if study_id is not None:
            require(req, "study.view", study_service.get_study(study_id))
            query = query.where(m.Patient.id.in_(
                m.StudyPatient.select(m.StudyPatient.patient).where(m.StudyPatient.study == study_id)))
        send(resp, paginate(req, query.order_by(m.Patient.id), lambda rows: render(req, rows, organization_id)))

    @operation("Create a patient, with their login account, in an organization (member, manager)", tag=TAG,
               response="Patient", status=201, body="PatientCreate")
    def on_post(self, req, resp):
        body = Body.from_request(req)
        organization_id = body.reference_id("organization_id", required=True)
        organization = m.Organization.get_or_none(m.Organization.id == organization_id)
        if organization is None:
            raise BadRequest(f"organizationId: organization {organization_id} not found.", path="organizationId")
        require(req, "patient.create", organization)
        fields = read_demographics(body, creating=True)
        patient = service.create_patient(
            email=fields["email"], name_family=fields["name_family"], name_given=fields["name_given"],
            birth_date=fields["birth_date"], organization=organization,
            telecom_phone=fields.get("telecom_phone"), identifier=fields.get("identifier"),
            identifiers=fields.get("identifiers", ()))
        send(resp, render(req, [patient], organization.id)[0], 201)


class PatientResource:
    @operation("One patient", tag=TAG, response="Patient")
    def on_get(self, req, resp, id):
        patient = access.get_visible_patient(req.context.actor, id)
        require(req, "patient.view", patient)
        send(resp, render(req, [patient])[0])

    @operation("Update a patient's demographics, email or identifiers (member, manager)", tag=TAG,
               response="Patient", body="PatientUpdate")
    def on_patch(self, req, resp, id):
        patient = access.get_visible_patient(req.context.actor, id)
        require(req, "patient.manage", patient)
        changes = read_demographics(Body.from_request(req), creating=False)
        service.update_patient(patient, changes)
        send(resp, render(req, [patient])[0])

    on_put = on_patch

    @operation("Remove a patient from an organization and its studies; from their last organization, "
               "delete their observations, record and account (member, manager)", tag=TAG,
               response=None, status=204,
               query=(Param("organization_id", "The organization to remove the patient from.", required=True),))
    def on_delete(self, req, resp, id):
        patient = access.get_visible_patient(req.context.actor, id)
        require(req, "patient.manage", patient)
        organization_id = query_id(req, "organization_id", required=True)
        organization = organization_service.get_organization(organization_id)
        require(req, "patient.manage", organization)
        service.remove_from_organization(patient, organization)
        no_content(resp)


class PatientGlobalLookupResource:
    @operation("Find patients by email across every organization (member, manager); a bare array",
               tag=TAG, response="array:PatientLookup",
               query=(Param("email", "The patient's login email.", {"type": "string"}, required=True),))
    def on_get(self, req, resp):
        actor = req.context.actor
        may_add = actor.is_superuser or any(
            allowed(req, "patient.create", m.Organization(id=org_id)) for org_id in actor.roles)
        if not may_add:
            require(req, "patient.create", None)  # raises the standard 403
        email = query_text(req, "email", required=True, max_length=254)
        send(resp, [patient_lookup_json(p) for p in service.find_by_email(email)])


class PatientGlobalAddOrganizationResource:
    @operation("Add an existing patient to an organization (member, manager of that organization)",
               tag=TAG, response="Patient",
               query=(Param("organization_id", "The organization to add the patient to.", required=True),))
    def on_patch(self, req, resp, id):
        organization_id = query_id(req, "organization_id", required=True)
        organization = organization_service.get_organization(organization_id)
        require(req, "patient.create", organization)
        patient = service.get_patient(id)
        service.add_to_organization(patient, organization)
        send(resp, render(req, [patient], organization.id)[0])
