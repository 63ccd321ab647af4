"""``Patient``: read and search. Patients are rows (edited through /api/v1), rendered as FHIR
on the way out; only patients the caller may see are ever found."""

import datetime
import json

import peewee

from jhe_core import models as m
from jhe_core.errors import NotFound
from jhe_core.fhir import params as p
from jhe_core.fhir.dates import format_instant
from jhe_core.fhir.outcome import send_fhir, server_root
from jhe_core.fhir.registry import ResourceType, SearchParam
from jhe_core.fhir.search import SearchPlan, answer_search, sort_choice
from jhe_core.services.access import get_visible_patient, visible_patient_ids
from jhe_core.services.keyset import Keyset
from jhe_core.ids import parse_ids

P = m.Patient
STUDY_PARAMS = ("_has:Group:member:_id", "patient._has:Group:member:_id")

SEARCH_PARAMS = [
    SearchParam("_id", "token", "Patient ids."),
    SearchParam("identifier", "token", "system|value or value: the primary identifier (system: this "
                                       "server's URL) or any external identifier."),
    SearchParam("name", "string", "Given or family name starts with (case-insensitive); :exact, :contains."),
    SearchParam("family", "string", "Family name starts with; :exact, :contains."),
    SearchParam("given", "string", "Given name starts with; :exact, :contains."),
    SearchParam("birthdate", "date", "Birth date; all FHIR prefixes."),
    SearchParam("email", "token", "The patient's e-mail address (case-insensitive)."),
    SearchParam(STUDY_PARAMS[0], "special", "A study (Group) id: the patients it enrolls."),
    SearchParam(STUDY_PARAMS[1], "special", "Same as _has:Group:member:_id."),
]


def render_patient(patient, email, extra_identifiers, system) -> dict:
    """The FHIR Patient for a row (``email`` from its user, identifiers ``[(system, value)]``)."""
    identifiers = [{"system": system, "value": patient.identifier}] if patient.identifier else []
    identifiers += [{"system": ext_system, "value": value} for ext_system, value in extra_identifiers]
    resource = {"resourceType": "Patient", "id": str(patient.id),
                "meta": {"lastUpdated": format_instant(patient.last_updated)}}
    if identifiers:
        resource["identifier"] = identifiers
    resource["name"] = [{"family": patient.name_family, "given": [patient.name_given]}]
    resource["birthDate"] = patient.birth_date.isoformat() if hasattr(patient.birth_date, "isoformat") \
        else str(patient.birth_date)
    telecom = [{"system": "email", "value": email}] if email else []
    if patient.telecom_phone:
        telecom.append({"system": "phone", "value": patient.telecom_phone})
    if telecom:
        resource["telecom"] = telecom
    return resource


def _external_identifiers(patient_ids) -> dict:
    found = {}
    if patient_ids:
        for row in (m.PatientIdentifier.select().where(m.PatientIdentifier.patient.in_(patient_ids))
                    .order_by(m.PatientIdentifier.id)):
            found.setdefault(row.patient_id, []).append((row.system, row.value))
    return found


def render_rows(req, patients) -> list[tuple]:
    extra = _external_identifiers([patient.id for patient in patients])
    system = server_root(req)
    return [(patient.id, json.dumps(render_patient(patient, patient.user.email, extra.get(patient.id, []), system),
                                    separators=(",", ":"), ensure_ascii=False)) for patient in patients]


class PatientCollection:
    def on_get(self, req, resp):
        answer_search(req, resp, "Patient", build_search_plan)

    on_post_search = on_get


class PatientItem:
    def on_get(self, req, resp, id, vid=None):
        patient = get_visible_patient(req.context.actor, id)
        if vid is not None and vid != "1":  # patients are served as version 1
            raise NotFound(f"Patient/{id}/_history/{vid} not found.")
        user = m.User.get_by_id(patient.user_id)
        body = render_patient(patient, user.email, _external_identifiers([patient.id]).get(patient.id, []),
                              server_root(req))
        send_fhir(req, resp, body)


def _string_condition(column, modifier, value):
    if modifier == "exact":
        return column == value
    if modifier == "contains":
        return column.contains(value)
    return column.startswith(value)


def _apply(conditions, name, modifier, value, req) -> bool:
    alternatives = p.split_or(value)
    condition = None

    def either(one):
        nonlocal condition
        condition = one if condition is None else condition | one

    if name in ("name", "family", "given") and modifier in (None, "exact", "contains"):
        for text in alternatives:
            if name in ("name", "family"):
                either(_string_condition(P.name_family, modifier, text))
            if name in ("name", "given"):
                either(_string_condition(P.name_given, modifier, text))
    elif modifier is not None:
        return False
    elif name == "_id":
        ids = parse_ids(alternatives)
        either(P.id.in_(ids) if ids else P.id.is_null())
    elif name == "identifier":
        for text in alternatives:
            system, ident = p.token(text)
            external = m.PatientIdentifier.select(m.PatientIdentifier.patient).where(
                m.PatientIdentifier.value == ident, *([m.PatientIdentifier.system == system] if system else []))
            primary = P.identifier == ident
            if system not in (None, server_root(req)):
                primary = P.id.is_null()  # the primary identifier's system is this server
            either(primary | P.id.in_(external))
    elif name == "birthdate":
        for text in alternatives:
            date = p.date_value(text, name)
            # whole days: birth dates have no time
            date.lo = date.lo.date()
            date.hi = (date.hi - datetime.timedelta(microseconds=1)).date() + datetime.timedelta(days=1)
            either(p.date_condition(date, P.birth_date))
    elif name == "email":
        either(P.user.in_(m.User.select(m.User.id).where(
            m.User.email.in_([text.strip().lower() for text in alternatives]))))
    elif name in STUDY_PARAMS:
        studies = parse_ids(alternatives)
        either(P.id.in_(m.StudyPatient.select(m.StudyPatient.patient).where(m.StudyPatient.study.in_(studies)))
               if studies else P.id.is_null())
    else:
        return False
    if condition is not None:
        conditions.append(condition)
    return True


def build_search_plan(req, request) -> SearchPlan:
    _, descending = sort_choice(request, {"_id": P.id}, "_id")
    conditions = []
    for name, modifier, value in request.criteria():
        if not _apply(conditions, name, modifier, value, req):
            request.unknown.append(name + (f":{modifier}" if modifier else ""))
    visible = visible_patient_ids(req.context.actor)
    if visible is not None:
        conditions.append(P.id.in_(visible))
    keyset = Keyset(P, conditions, P.id, descending)

    def render(rows):
        ids = [row[0] for row in rows]
        if not ids:
            return []
        by_id = {patient.id: patient for patient in
                 P.select(P, m.User.email).join(m.User, peewee.JOIN.INNER).where(P.id.in_(ids))}
        return render_rows(req, [by_id[i] for i in ids if i in by_id])

    return SearchPlan(keyset, [P.id], lambda row: (row[0], row[0]), render, int)


def resource_type() -> ResourceType:
    return ResourceType(
        name="Patient",
        interactions=("read", "vread", "search-type"),
        search_params=SEARCH_PARAMS,
        item_resource=PatientItem(),
        collection_resource=PatientCollection(),
        documentation="Patients of the caller's organizations (a patient sees only themselves).",
    )
