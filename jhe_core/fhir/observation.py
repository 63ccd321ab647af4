"""``Observation``: create (with ``If-None-Exist``), read, vread and search.

Creating goes through the shared ingest pipeline (``jhe_core.services.observations``); reading
returns the stored JSON text untouched.
"""

import datetime

from jhe_core import models as m
from jhe_core.errors import BadRequest, NotFound
from jhe_core.fhir import params as p
from jhe_core.fhir.outcome import fhir_base, send_fhir
from jhe_core.fhir.registry import ResourceType, SearchParam
from jhe_core.fhir.search import SearchPlan, answer_search, sort_choice
from jhe_core.http import json_object
from jhe_core.services.access import read_visible_observation
from jhe_core.services.observation_search import SORTS, ObservationSearch
from jhe_core.services.observations import ingest

Obs = m.Observation
STUDY_PARAM = "patient._has:Group:member:_id"

SEARCH_PARAMS = [
    SearchParam("patient", "reference", "The patient: an id or Patient/<id>."),
    SearchParam("subject", "reference", "The subject: Patient/<id> (or an id)."),
    SearchParam("code", "token", "system|code, |code (no system) or code (any system)."),
    SearchParam("date", "date", "The effective time (from the OMH time frame); all FHIR prefixes."),
    SearchParam("_lastUpdated", "date", "When the server stored the Observation; all FHIR prefixes."),
    SearchParam("_id", "token", "Observation ids."),
    SearchParam("identifier", "token", "system|value, |value or value."),
    SearchParam("device", "reference", "The data source: Device/<id> or an id."),
    SearchParam(STUDY_PARAM, "special", "A study (Group) id: its enrolled patients and the codes it requests."),
]


def prefer_return(req) -> str:
    prefer = (req.get_header("Prefer") or "").replace(" ", "")
    for part in prefer.replace(";", ",").split(","):
        if part.startswith("return="):
            return part[len("return="):]
    return "representation"


def version_headers(resp, observation) -> None:
    resp.set_header("ETag", f'W/"{observation.version_id}"')
    last = observation.last_updated
    if isinstance(last, datetime.datetime):
        resp.set_header("Last-Modified", last.strftime("%a, %d %b %Y %H:%M:%S GMT"))


class ObservationCollection:
    def on_get(self, req, resp):
        answer_search(req, resp, "Observation", build_search_plan)

    on_post_search = on_get

    def on_post(self, req, resp):
        body = json_object(req)
        condition = req.get_header("If-None-Exist")
        result = ingest(req.context.exchange, req.context.actor, [body], atomic=True,
                        if_none_exist=[condition] if condition else None)[0]
        observation = result.observation
        resp.set_header("Location", f"{fhir_base(req)}/Observation/{observation.id}/_history/{observation.version_id}")
        version_headers(resp, observation)
        if prefer_return(req) == "minimal":
            resp.status = "201 Created" if result.status == 201 else "200 OK"
            return
        send_fhir(req, resp, observation.resource, result.status)


class ObservationItem:
    def on_get(self, req, resp, id, vid=None):
        observation = read_visible_observation(req.context.actor, id)
        if observation is None or (vid is not None and vid != str(observation.version_id)):
            raise NotFound(f"Observation/{id}" + (f"/_history/{vid}" if vid else "") + " not found.")
        version_headers(resp, observation)
        send_fhir(req, resp, observation.resource)


def _apply_time(search, name, value):
    alternatives = [p.date_value(text, name) for text in p.split_or(value)]
    column = SORTS[name]
    if len(alternatives) == 1 and p.date_bounds(alternatives[0]) is not None:
        search.time_range(name, *p.date_bounds(alternatives[0]))
        return
    condition = None
    for alternative in alternatives:
        one = p.date_condition(alternative, column, Obs.effective_end if name == "date" else None)
        condition = one if condition is None else condition | one
    search.time_condition(condition)


def apply_criterion(search: ObservationSearch, name, modifier, value) -> bool:
    """Apply one parameter; False when it is not one this type understands."""
    if modifier not in (None, "Patient") or (modifier == "Patient" and name not in ("patient", "subject")):
        return False
    if name in ("patient", "subject"):
        search.patients([p.reference_id(text, "Patient", name) for text in p.split_or(value)])
    elif name == "code":
        search.codes([p.token(text) for text in p.split_or(value)])
    elif name in ("date", "_lastUpdated"):
        _apply_time(search, name, value)
    elif name == "_id":
        search.ids(p.split_or(value))
    elif name == "identifier":
        search.identifiers([p.token(text) for text in p.split_or(value)])
    elif name == "device":
        search.data_sources([p.reference_id(text, "Device", name) for text in p.split_or(value)])
    elif name == STUDY_PARAM:
        if len(p.split_or(value)) != 1:
            raise BadRequest(f"{STUDY_PARAM} takes one study id.", path=STUDY_PARAM)
        search.study(value)
    else:
        return False
    return True


def build_search_plan(req, request) -> SearchPlan:
    sort, descending = sort_choice(request, SORTS, "date")
    search = ObservationSearch(req.context.actor, sort, descending)
    for name, modifier, value in request.criteria():
        if not apply_criterion(search, name, modifier, value):
            request.unknown.append(name + (f":{modifier}" if modifier else ""))
    keyset = search.restricted()
    key_column = SORTS[sort]
    if sort == "_id":
        return SearchPlan(keyset, [Obs.id, Obs.resource], lambda row: (row[0], row[0]),
                          lambda rows: [(row[0], row[1]) for row in rows], int)
    return SearchPlan(keyset, [Obs.id, key_column, Obs.resource], lambda row: (row[1], row[0]),
                      lambda rows: [(row[0], row[2]) for row in rows], datetime.datetime)


def resource_type() -> ResourceType:
    return ResourceType(
        name="Observation",
        interactions=("read", "vread", "search-type", "create"),
        search_params=SEARCH_PARAMS,
        item_resource=ObservationItem(),
        collection_resource=ObservationCollection(),
        documentation="Measurements from devices and apps; Open mHealth data in valueAttachment (base64 JSON).",
        conditional_create=True,
    )

