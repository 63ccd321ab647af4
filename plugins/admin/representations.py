"""JSON shapes of /api/v1, in camelCase as the guides print them. Functions taking a list of
rows load what they need for the whole page in a few queries."""

import datetime

from jhe_core import models as m
from jhe_core.services import data_sources as data_source_service
from jhe_core.services import organizations as organization_service
from jhe_core.services import studies as study_service


def isoformat(value):
    """Stored times are naive UTC; the wire carries them with a ``Z``."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return value.isoformat() + "Z"


def organization_summary(org: m.Organization) -> dict:
    return {"id": org.id, "name": org.name, "type": org.type}


def practitioner_role_json(link: m.PractitionerOrganization) -> dict:
    user = link.practitioner.user
    return {"id": link.practitioner_id, "jheUserId": user.id, "email": user.email,
            "firstName": user.first_name, "lastName": user.last_name,
            "organizationId": link.organization_id, "role": link.role}


def organizations_json(orgs) -> list[dict]:
    roles: dict[int, list] = {org.id: [] for org in orgs}
    for link in organization_service.practitioner_links([org.id for org in orgs]):
        roles[link.organization_id].append(practitioner_role_json(link))
    return [{**organization_summary(org), "partOf": org.part_of_id, "practitioners": roles[org.id]}
            for org in orgs]


def organization_json(org) -> dict:
    return organizations_json([org])[0]


def tree_json(node: dict) -> dict:
    org = node["organization"]
    return {**organization_summary(org), "partOf": org.part_of_id,
            "children": [tree_json(child) for child in node["children"]]}


def code_json(code: m.CodeableConcept) -> dict:
    return {"id": code.id, "codingSystem": code.coding_system, "codingCode": code.coding_code, "text": code.text}


def data_sources_json(sources) -> list[dict]:
    codes = data_source_service.supported_codes([s.id for s in sources])
    return [{"id": s.id, "name": s.name, "type": s.type,
             "supportedScopes": [code_json(c) for c in codes[s.id]]} for s in sources]


def patients_json(patients, base_url: str, organization_id=None, visible_organization_ids=None) -> list[dict]:
    """Patient objects with ``identifier`` (the primary external id, as older clients read
    it), ``identifiers`` (every ``{system, value}``, as newer clients read it) and
    ``organizationId`` (the listed organization, else the first one the caller may see)."""
    ids = [p.id for p in patients]
    emails = {u.id: u.email for u in m.User.select(m.User.id, m.User.email)
              .where(m.User.id.in_([p.user_id for p in patients] or [-1]))}
    extra: dict[int, list] = {pid: [] for pid in ids}
    for row in (m.PatientIdentifier.select().where(m.PatientIdentifier.patient.in_(ids or [-1]))
                .order_by(m.PatientIdentifier.id)):
        extra[row.patient_id].append({"system": row.system, "value": row.value})
    memberships: dict[int, list] = {pid: [] for pid in ids}
    for link in (m.PatientOrganization.select(m.PatientOrganization, m.Organization).join(m.Organization)
                 .where(m.PatientOrganization.patient.in_(ids or [-1])).order_by(m.Organization.id)):
        memberships[link.patient_id].append(link.organization)
    result = []
    for patient in patients:
        orgs = memberships[patient.id]
        if visible_organization_ids is not None:
            orgs = [o for o in orgs if o.id in visible_organization_ids]
        org_ids = [o.id for o in orgs]
        shown_org = organization_id if organization_id in org_ids else (org_ids[0] if org_ids else None)
        identifiers = ([{"system": base_url, "value": patient.identifier}] if patient.identifier else [])
        result.append({
            "id": patient.id,
            "jheUserId": patient.user_id,
            "identifier": patient.identifier,
            "identifiers": identifiers + extra[patient.id],
            "nameFamily": patient.name_family,
            "nameGiven": patient.name_given,
            "birthDate": patient.birth_date.isoformat() if patient.birth_date else None,
            "telecomPhone": patient.telecom_phone,
            "telecomEmail": emails.get(patient.user_id),
            "organizationId": shown_org,
            "organizations": [organization_summary(o) for o in orgs],
        })
    return result


def patient_lookup_json(patient: m.Patient) -> dict:
    """What a global lookup reveals about a patient outside the caller's organizations."""
    return {"id": patient.id, "nameFamily": patient.name_family, "nameGiven": patient.name_given,
            "birthDate": patient.birth_date.isoformat(), "telecomEmail": patient.user.email}


def patient_summary(patient: m.Patient) -> dict:
    return {"id": patient.id, "nameFamily": patient.name_family, "nameGiven": patient.name_given,
            "birthDate": patient.birth_date.isoformat()}


def studies_json(studies) -> list[dict]:
    ids = [s.id for s in studies]
    codes = study_service.requested_codes(ids)
    sources = study_service.study_data_sources(ids)
    patients = study_service.enrolled_patients(ids)
    orgs = {o.id: o for o in m.Organization.select().where(
        m.Organization.id.in_([s.organization_id for s in studies] or [-1]))}
    return [{
        "id": s.id,
        "name": s.name,
        "description": s.description,
        "organization": organization_summary(orgs[s.organization_id]),
        "iconUrl": s.icon_url,
        "patients": [{"id": p.id, "nameFamily": p.name_family, "nameGiven": p.name_given} for p in patients[s.id]],
        "scopeRequests": [code_json(c) for c in codes[s.id]],
        "dataSources": [{"id": d.id, "name": d.name, "type": d.type} for d in sources[s.id]],
    } for s in studies]


def study_json(study) -> dict:
    return studies_json([study])[0]
