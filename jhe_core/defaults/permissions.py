"""The role matrix of the guides.

- superuser: everything.
- viewer reads; member and manager also manage patients, studies, enrollment, scope requests,
  study data sources and consents on a patient's behalf; manager also manages practitioners
  and the organization itself.
- a patient reads their own record and consents, grants or revokes their own consents and
  uploads their own observations.
- only a superuser creates top-level organizations and changes the data-source catalogue.
- a token without the ``write`` scope can only read.
"""

from jhe_core import hookimpl
from jhe_core import models as m
from jhe_core.permissions import READ_ACTIONS

WRITE_ROLES = {"manager", "member"}
ANY_ROLE = {"manager", "member", "viewer"}

# action -> the roles that allow it, in the organization(s) the resource belongs to
PRACTITIONER_RULES = {
    "organization.view": ANY_ROLE,
    "organization.update": {"manager"},
    "organization.delete": {"manager"},
    "organization.manage_practitioners": {"manager"},
    "patient.view": ANY_ROLE,
    "patient.create": WRITE_ROLES,
    "patient.manage": WRITE_ROLES,
    "consent.view": ANY_ROLE,
    "consent.manage": WRITE_ROLES,
    "study.view": ANY_ROLE,
    "study.create": WRITE_ROLES,
    "study.manage": WRITE_ROLES,
    "observation.view": ANY_ROLE,
    "observation.upload": WRITE_ROLES,
}

PATIENT_SELF_ACTIONS = {"patient.view", "consent.view", "consent.manage", "observation.view",
                        "observation.upload"}


def organization_ids_of(resource) -> set[int]:
    """The organizations whose roles govern ``resource``."""
    if isinstance(resource, m.Organization):
        return {resource.id}
    if isinstance(resource, m.Study):
        return {resource.organization_id}
    if isinstance(resource, m.Observation):
        resource = m.Patient(id=resource.patient_id)
    if isinstance(resource, m.Patient):
        links = m.PatientOrganization.select(m.PatientOrganization.organization).where(
            m.PatientOrganization.patient == resource.id)
        return {link.organization_id for link in links}
    return set()


def patient_id_of(resource):
    if isinstance(resource, m.Patient):
        return resource.id
    if isinstance(resource, m.Observation):
        return resource.patient_id
    return None


@hookimpl(trylast=True)
def permission_allowed(actor, action, resource):
    if actor is None or actor.user is None or not actor.user.is_active:
        return None
    if actor.token is not None and action not in READ_ACTIONS and "write" not in actor.scopes:
        return False
    if actor.is_superuser:
        return True
    if action == "data_source.view":
        return True
    if actor.patient_id is not None and action in PATIENT_SELF_ACTIONS:
        if patient_id_of(resource) == actor.patient_id:
            return True
    if actor.practitioner_id is None:
        return None
    if action == "organization.create":
        parent = resource
        if parent is None or parent.id == m.ROOT_ORGANIZATION_ID:
            return None
        return True if actor.roles.get(parent.id) == "manager" else None
    roles = PRACTITIONER_RULES.get(action)
    if not roles:
        return None
    return True if actor.role_in(organization_ids_of(resource)) & roles else None
