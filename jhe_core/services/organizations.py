"""Organizations: the tree under ROOT, and the practitioners who hold roles in each.

Permission checks are the caller's (``jhe_core.permissions.require``); these functions keep the
data consistent: valid types and roles, no cycles, nothing orphaned by a delete.
"""

from jhe_core import models as m
from jhe_core.errors import BadRequest, NotFound
from jhe_core.models.organizations import ORGANIZATION_TYPES
from jhe_core.services.accounts import normalize_email

# Types a caller may give; "root" belongs to the ROOT organization alone.
ASSIGNABLE_TYPES = tuple(t for t in ORGANIZATION_TYPES if t != "root")


def get_organization(organization_id) -> m.Organization:
    organization = m.Organization.get_or_none(m.Organization.id == organization_id)
    if organization is None:
        raise NotFound(f"Organization {organization_id} not found.")
    return organization


def visible_organizations(actor):
    """Organizations the actor holds a role in (every one but ROOT for a superuser), by id."""
    query = m.Organization.select().where(m.Organization.id != m.ROOT_ORGANIZATION_ID)
    if not actor.is_superuser:
        query = query.where(m.Organization.id.in_(list(actor.roles) or [-1]))
    return query.order_by(m.Organization.id)


def check_type(organization_type: str) -> str:
    if organization_type not in ASSIGNABLE_TYPES:
        raise BadRequest(f"type must be one of {', '.join(ASSIGNABLE_TYPES)}; got {organization_type!r}.",
                         path="type")
    return organization_type


def create_organization(name: str, organization_type: str, parent: m.Organization,
                        creator: m.Practitioner | None = None) -> m.Organization:
    """Create ``name`` under ``parent``; the creating practitioner becomes its manager."""
    check_type(organization_type)
    with m.Organization._meta.database.atomic():
        organization = m.Organization.create(name=name, type=organization_type, part_of=parent.id)
        if creator is not None:
            m.PractitionerOrganization.create(practitioner=creator, organization=organization, role="manager")
    return organization


def update_organization(organization: m.Organization, *, name=None, organization_type=None) -> m.Organization:
    if organization.id == m.ROOT_ORGANIZATION_ID:
        raise BadRequest("The ROOT organization cannot be changed.")
    if name is not None:
        organization.name = name
    if organization_type is not None:
        organization.type = check_type(organization_type)
    organization.save()
    return organization


def delete_organization(organization: m.Organization) -> None:
    """Delete an empty organization; refuse while it still holds sub-organizations, studies
    or patients (their removal has consequences the caller must choose one by one)."""
    if organization.id == m.ROOT_ORGANIZATION_ID:
        raise BadRequest("The ROOT organization cannot be deleted.")
    if m.Organization.select().where(m.Organization.part_of == organization.id).exists():
        raise BadRequest("Organization has sub-organizations; delete them first.")
    if m.Study.select().where(m.Study.organization == organization.id).exists():
        raise BadRequest("Organization has studies; delete them first.")
    if m.PatientOrganization.select().where(m.PatientOrganization.organization == organization.id).exists():
        raise BadRequest("Organization has patients; remove them first.")
    with m.Organization._meta.database.atomic():
        m.PractitionerOrganization.delete().where(
            m.PractitionerOrganization.organization == organization.id).execute()
        organization.delete_instance()


def subtree(organization: m.Organization) -> dict:
    """``{"organization": row, "children": [subtree...]}``, children ordered by id."""
    rows = list(m.Organization.select().order_by(m.Organization.id))
    children: dict[int, list] = {}
    for row in rows:
        if row.part_of_id is not None and row.id != row.part_of_id:
            children.setdefault(row.part_of_id, []).append(row)

    def build(node, seen):
        seen.add(node.id)
        return {"organization": node,
                "children": [build(child, seen) for child in children.get(node.id, []) if child.id not in seen]}

    return build(organization, set())


# -- practitioners and roles -------------------------------------------------------------

def check_role(role) -> str:
    if role not in m.ROLES:
        raise BadRequest(f"role must be one of {', '.join(m.ROLES)}; got {role!r}.", path="role")
    return role


def practitioner_links(organization_ids):
    """Role rows (with practitioner and user joined) for the given organizations, stable order."""
    return (m.PractitionerOrganization
            .select(m.PractitionerOrganization, m.Practitioner, m.User)
            .join(m.Practitioner).join(m.User)
            .where(m.PractitionerOrganization.organization.in_(list(organization_ids) or [-1]))
            .order_by(m.PractitionerOrganization.organization, m.Practitioner.id))


def get_practitioner_link(organization: m.Organization, practitioner_id) -> m.PractitionerOrganization:
    link = practitioner_links([organization.id]).where(
        m.PractitionerOrganization.practitioner == practitioner_id).first()
    if link is None:
        raise NotFound(f"Practitioner {practitioner_id} has no role in organization {organization.id}.")
    return link


def add_practitioner(organization: m.Organization, email: str, role: str) -> m.PractitionerOrganization:
    """Give the practitioner with ``email`` a role in the organization (or change it)."""
    check_role(role)
    try:
        email = normalize_email(email)
    except BadRequest:
        raise BadRequest(f"email must be a valid email address, got {email!r}.", path="email") from None
    practitioner = (m.Practitioner.select(m.Practitioner, m.User).join(m.User)
                    .where(m.User.email == email).first())
    if practitioner is None:
        raise BadRequest(f"No practitioner account with email {email}.", path="email")
    with m.Organization._meta.database.atomic():
        link = m.PractitionerOrganization.get_or_none(practitioner=practitioner, organization=organization)
        if link is None:
            m.PractitionerOrganization.create(practitioner=practitioner, organization=organization, role=role)
        elif link.role != role:
            link.role = role
            link.save()
    return get_practitioner_link(organization, practitioner.id)


def set_practitioner_role(organization, practitioner_id, role) -> m.PractitionerOrganization:
    check_role(role)
    link = get_practitioner_link(organization, practitioner_id)
    link.role = role
    link.save()
    return link


def remove_practitioner(organization, practitioner_id) -> None:
    link = get_practitioner_link(organization, practitioner_id)
    link.delete_instance()
