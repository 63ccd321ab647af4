"""``/api/v1/studies``: studies, their enrolled patients, requested scopes and data sources."""

from jhe_core import models as m
from jhe_core.errors import BadRequest
from jhe_core.services import organizations as organization_service
from jhe_core.services import studies as service

from jhe_plugins.admin.api import PAGING, Param, no_content, operation, require, send
from jhe_plugins.admin.fields import Body, query_id
from jhe_plugins.admin.pagination import paginate
from jhe_plugins.admin.representations import studies_json, study_json

TAG = "studies"


def _study(req, study_id, action="study.view") -> m.Study:
    study = service.get_study(study_id)
    require(req, action, study)
    return study


def _organization_id(body: Body, *, required: bool):
    """``organization`` (bare id or ``{id, ...}``, as the guide and clients send it) or
    ``organizationId``."""
    if body.has("organization"):
        return body.reference_id("organization", required=True)
    if body.has("organization_id"):
        return body.reference_id("organization_id", required=True)
    if required:
        raise BadRequest("organization is required.", path="organization")
    return None


class StudiesResource:
    @operation("Studies of the caller's organizations", tag=TAG, response="list:Study",
               query=(Param("organization_id", "Only studies of this organization."),) + PAGING)
    def on_get(self, req, resp):
        query = service.visible_studies(req.context.actor)
        organization_id = query_id(req, "organization_id")
        if organization_id is not None:
            require(req, "organization.view", organization_service.get_organization(organization_id))
            query = query.where(m.Study.organization == organization_id)
        send(resp, paginate(req, query, studies_json))

    @operation("Create a study in an organization (member, manager)", tag=TAG, response="Study", status=201,
               body="StudyCreate")
    def on_post(self, req, resp):
        body = Body.from_request(req)
        organization_id = _organization_id(body, required=True)
        organization = m.Organization.get_or_none(m.Organization.id == organization_id)
        if organization is None:
            raise BadRequest(f"organization: organization {organization_id} not found.", path="organization")
        require(req, "study.create", organization)
        study = service.create_study(
            name=body.text("name", required=True),
            description=body.text("description", required=True, allow_blank=True, max_length=10000),
            organization=organization,
            icon_url=body.text("icon_url", nullable=True, max_length=1000, default=None))
        send(resp, study_json(study), 201)


class StudyResource:
    @operation("One study with its patients, scope requests and data sources", tag=TAG, response="Study")
    def on_get(self, req, resp, id):
        send(resp, study_json(_study(req, id)))

    @operation("Update a study's name, description or icon (member, manager)", tag=TAG, response="Study",
               body="StudyUpdate")
    def on_patch(self, req, resp, id):
        study = _study(req, id, "study.manage")
        body = Body.from_request(req)
        changes = {}
        if body.has("name"):
            changes["name"] = body.text("name")
        if body.has("description"):
            changes["description"] = body.text("description", allow_blank=True, max_length=10000)
        if body.has("icon_url"):
            changes["icon_url"] = body.text("icon_url", nullable=True, max_length=1000)
        organization_id = _organization_id(body, required=False)
        if organization_id is not None and organization_id != study.organization_id:
            raise BadRequest("organization cannot be changed.", path="organization")
        service.update_study(study, changes)
        send(resp, study_json(study))

    on_put = on_patch

    @operation("Delete a study with its enrollments and consents (member, manager)", tag=TAG,
               response=None, status=204)
    def on_delete(self, req, resp, id):
        service.delete_study(_study(req, id, "study.manage"))
        no_content(resp)


class StudyPatientsResource:
    @operation("Enroll patients of the study's organization (member, manager)", tag=TAG, response="Study",
               body="PatientIds")
    def on_post(self, req, resp, id):
        study = _study(req, id, "study.manage")
        service.enroll_patients(study, Body.from_request(req).id_list("patient_ids", required=True))
        send(resp, study_json(study))

    @operation("Remove patients from the study; their consents for it are deleted, observations kept "
               "(member, manager)", tag=TAG, response="Study", body="PatientIds")
    def on_delete(self, req, resp, id):
        study = _study(req, id, "study.manage")
        service.unenroll_patients(study, Body.from_request(req).id_list("patient_ids", required=True))
        send(resp, study_json(study))


class StudyScopeRequestsResource:
    @operation("Request a data type (scope code) from the study's patients (member, manager)", tag=TAG,
               response="Study", body="ScopeCodeId")
    def on_post(self, req, resp, id):
        study = _study(req, id, "study.manage")
        service.add_scope_request(study, Body.from_request(req).id("scope_code_id", required=True))
        send(resp, study_json(study))

    @operation("Stop requesting a data type; answers given for it in this study are removed "
               "(member, manager)", tag=TAG, response="Study", body="ScopeCodeId")
    def on_delete(self, req, resp, id):
        study = _study(req, id, "study.manage")
        service.remove_scope_request(study, Body.from_request(req).id("scope_code_id", required=True))
        send(resp, study_json(study))


class StudyDataSourcesResource:
    @operation("Let the study's patients use a data source (member, manager)", tag=TAG, response="Study",
               body="DataSourceId")
    def on_post(self, req, resp, id):
        study = _study(req, id, "study.manage")
        service.add_data_source(study, Body.from_request(req).id("data_source_id", required=True))
        send(resp, study_json(study))

    @operation("Remove a data source from the study (member, manager)", tag=TAG, response="Study",
               body="DataSourceId")
    def on_delete(self, req, resp, id):
        study = _study(req, id, "study.manage")
        service.remove_data_source(study, Body.from_request(req).id("data_source_id", required=True))
        send(resp, study_json(study))
