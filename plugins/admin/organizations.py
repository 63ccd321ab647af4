"""``/api/v1/organizations``: the organization tree and the practitioners' roles in it."""

from jhe_core import models as m
from jhe_core.errors import BadRequest
from jhe_core.services import organizations as service

from jhe_plugins.admin.api import PAGING, Param, no_content, operation, require, send
from jhe_plugins.admin.fields import Body, query_id
from jhe_plugins.admin.pagination import paginate
from jhe_plugins.admin.representations import (
    organization_json,
    organizations_json,
    practitioner_role_json,
    tree_json,
)

TAG = "organizations"


def _organization(req, organization_id, action="organization.view") -> m.Organization:
    organization = service.get_organization(organization_id)
    require(req, action, organization)
    return organization


class OrganizationsResource:
    @operation("Organizations the caller holds a role in (every one for a superuser)", tag=TAG,
               response="list:Organization",
               query=(Param("part_of", "Only the direct sub-organizations of this organization (0: top level)."),)
               + PAGING)
    def on_get(self, req, resp):
        query = service.visible_organizations(req.context.actor)
        part_of = query_id(req, "part_of")
        if part_of is not None:
            query = query.where(m.Organization.part_of == part_of)
        send(resp, paginate(req, query, organizations_json))

    @operation("Create an organization (top level: superuser; under a parent: its manager)", tag=TAG,
               response="Organization", status=201, body="OrganizationCreate")
    def on_post(self, req, resp):
        body = Body.from_request(req)
        name = body.text("name", required=True, max_length=200)
        organization_type = body.text("type", default="prov", max_length=20)
        parent_id = body.reference_id("part_of") if body.data.get("part_of") is not None else None
        if parent_id is None or parent_id == m.ROOT_ORGANIZATION_ID:
            parent = m.Organization.get_by_id(m.ROOT_ORGANIZATION_ID)
            require(req, "organization.create", None)
        else:
            parent = m.Organization.get_or_none(m.Organization.id == parent_id)
            if parent is None:
                raise BadRequest(f"partOf: organization {parent_id} not found.", path="partOf")
            require(req, "organization.create", parent)
        service.check_type(organization_type)
        organization = service.create_organization(name, organization_type, parent, req.context.actor.practitioner)
        send(resp, organization_json(organization), 201)


class OrganizationResource:
    @operation("One organization with its practitioners and their roles", tag=TAG, response="Organization")
    def on_get(self, req, resp, id):
        send(resp, organization_json(_organization(req, id)))

    @operation("Rename or re-type an organization (manager)", tag=TAG, response="Organization",
               body="OrganizationUpdate")
    def on_patch(self, req, resp, id):
        organization = _organization(req, id, "organization.update")
        body = Body.from_request(req)
        name = body.text("name", max_length=200, default=None)
        organization_type = body.text("type", max_length=20, default=None)
        if body.has("part_of"):
            parent_id = body.reference_id("part_of") if body.data["part_of"] is not None else None
            if parent_id != organization.part_of_id:
                raise BadRequest("partOf cannot be changed.", path="partOf")
        service.update_organization(organization, name=name, organization_type=organization_type)
        send(resp, organization_json(organization))

    on_put = on_patch

    @operation("Delete an organization without sub-organizations, studies or patients (manager)",
               tag=TAG, response=None, status=204)
    def on_delete(self, req, resp, id):
        organization = _organization(req, id, "organization.delete")
        service.delete_organization(organization)
        no_content(resp)


class OrganizationTreeResource:
    @operation("The organization and all its sub-organizations, nested under ``children``", tag=TAG,
               response="OrganizationTree")
    def on_get(self, req, resp, id):
        send(resp, tree_json(service.subtree(_organization(req, id))))


class OrganizationPractitionersResource:
    @operation("Practitioners of an organization with their roles", tag=TAG,
               response="list:PractitionerRole", query=PAGING)
    def on_get(self, req, resp, id):
        organization = _organization(req, id)
        query = service.practitioner_links([organization.id])
        send(resp, paginate(req, query, lambda links: [practitioner_role_json(link) for link in links]))

    @operation("Give a practitioner (by email) a role in the organization (manager)", tag=TAG,
               response="PractitionerRole", status=201, body="PractitionerRoleCreate")
    def on_post(self, req, resp, id):
        organization = _organization(req, id, "organization.manage_practitioners")
        body = Body.from_request(req)
        email = body.text("email", required=True, max_length=254)
        role = body.text("role", default="member", max_length=20)
        link = service.add_practitioner(organization, email, role)
        send(resp, practitioner_role_json(link), 201)


class OrganizationPractitionerResource:
    @operation("Change a practitioner's role in the organization (manager)", tag=TAG,
               response="PractitionerRole", body="PractitionerRoleUpdate")
    def on_patch(self, req, resp, id, practitioner_id):
        organization = _organization(req, id, "organization.manage_practitioners")
        role = Body.from_request(req).text("role", required=True, max_length=20)
        send(resp, practitioner_role_json(service.set_practitioner_role(organization, practitioner_id, role)))

    on_put = on_patch

    @operation("Remove a practitioner from the organization (manager)", tag=TAG, response=None, status=204)
    def on_delete(self, req, resp, id, practitioner_id):
        organization = _organization(req, id, "organization.manage_practitioners")
        service.remove_practitioner(organization, practitioner_id)
        no_content(resp)
