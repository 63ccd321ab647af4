"""The observation ingest pipeline, shared by the FHIR API, the admin API and data-source plugins.

``ingest(exchange, actor, resources, atomic=...)`` takes Observations as dicts and, for each:

1. validates it once as an R5 Observation (fhir.resources) and checks what the model does not:
   the ``status`` value set, exactly one known coding, ``subject`` = ``Patient/<id>``,
   ``device`` = ``Device/<id>``, a base64 UTF-8 JSON ``valueAttachment``;
2. checks the references exist (404), that the caller may upload for the patient (403), and
   that the patient consented to the code in a study they are enrolled in which still requests
   it, with the device's data source attached to such a study (403);
3. rejects an identifier ``(system, value)`` already stored or repeated in the request (409),
   unless ``If-None-Exist`` matches a stored observation, which is then answered (200);
4. runs every ``validate_observation`` hook (422 on issues), which may set the effective time;
5. stores all accepted rows with batched inserts in one transaction, the JSON text carrying
   ``id`` and ``meta`` already, then tells ``observations_stored`` hooks after the commit.

Codes, patients, data sources, consents and permissions are loaded once per call, not per
Observation, so a Bundle of 100 costs a handful of queries.
"""

import base64
import binascii
import datetime
import functools
import json
from dataclasses import dataclass, field

from jhe_core import models as m
from jhe_core.db import rows_planned_now
from jhe_core.errors import BadRequest, Conflict, Forbidden, Issue, JHEError, NotFound, Unprocessable
from jhe_core.fhir import fast_observation
from jhe_core.fhir.dates import DateFormatError, parse_instant, parse_range
from jhe_core.permissions import allowed
from jhe_core.prepared import as_instance
from jhe_core.services.observation_store import store_candidates
from jhe_core.ids import parse_id
from jhe_core.services.codes import find as known_code

# R5 ObservationStatus (required binding; fhir.resources does not enforce it).
OBSERVATION_STATUSES = frozenset({"registered", "preliminary", "final", "amended", "corrected",
                                  "cancelled", "entered-in-error", "unknown", "cannot-be-obtained"})


@dataclass
class IngestContext:
    """What ``validate_observation`` hooks receive besides the Observation dict."""

    code: m.CodeableConcept
    data: object = None  # the decoded valueAttachment JSON, or None
    effective: list = field(default_factory=lambda: [None, None])  # [start, end]; hooks may set
    patient_id: int | None = None
    data_source_id: int | None = None


@dataclass
class IngestResult:
    """The outcome for one input: 201 stored, 200 already stored (If-None-Exist), or an error."""

    index: int
    status: int
    observation: m.Observation | None = None
    error: JHEError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class _Candidate:
    index: int
    resource: dict
    code: m.CodeableConcept
    patient_id: int
    data_source_id: int | None
    data: object
    identifier: tuple | None
    effective: list


def located(error: JHEError, index: int, prefix: str = "Bundle.entry") -> JHEError:
    """The same error with issue paths pointing into the request (``Bundle.entry[3].resource``)."""
    for issue in error.issues:
        where = f"{prefix}[{index}].resource"
        issue.path = f"{where}.{issue.path}" if issue.path else where
    error.message = "; ".join(issue.text() for issue in error.issues)
    return error


@functools.cache
def _model():
    # Imported on first use: one fhir.resources model costs ~140 ms and 35 MiB to load (a worker
    # whose uploads all take the fast path never loads it).
    from fhir.resources.observation import Observation
    return Observation


def _reference_id(value, resource_type: str, path: str):
    reference = value.get("reference") if isinstance(value, dict) else None
    prefix = f"{resource_type}/"
    if not isinstance(reference, str) or not reference.startswith(prefix) or not reference[len(prefix):].isdigit():
        raise BadRequest(f"must reference an existing {resource_type} as '{resource_type}/<id>', "
                         f"got {reference!r}.", path=path)
    found = parse_id(reference[len(prefix):])
    return -1 if found is None else found  # out of range: names no row, so "not found" follows


def _decode_attachment(attachment):
    if attachment is None:
        return None
    content_type = (attachment.get("contentType") or "").split(";")[0].strip().lower()
    if content_type != "application/json" and not content_type.endswith("+json"):
        raise BadRequest(f"contentType must be application/json, got {content_type or None!r}.",
                         path="valueAttachment.contentType")
    if not isinstance(attachment.get("data"), str):
        raise BadRequest("data (base64-encoded JSON) is required.", path="valueAttachment.data")
    try:
        return json.loads(base64.b64decode(attachment["data"], validate=False).decode("utf-8"))
    except (binascii.Error, ValueError) as exc:
        raise BadRequest(f"data must be base64-encoded UTF-8 JSON ({exc}).", path="valueAttachment.data") from None


def _fhir_effective(resource) -> list:
    """[start, end] from effective[x] or issued; the OMH plugin replaces it with the data's time frame."""
    try:
        if resource.get("effectiveDateTime"):
            lo, hi = parse_range(resource["effectiveDateTime"])
            return [lo, lo if hi - lo <= datetime.timedelta(seconds=1) else hi]
        if resource.get("effectiveInstant"):
            start = parse_instant(resource["effectiveInstant"])
            return [start, start]
        period = resource.get("effectivePeriod") or {}
        if period.get("start") or period.get("end"):
            start = parse_range(period["start"])[0] if period.get("start") else None
            end = parse_range(period["end"])[0] if period.get("end") else None
            return [start or end, end or start]
        if resource.get("issued"):
            start = parse_instant(resource["issued"])
            return [start, start]
    except DateFormatError as exc:
        raise BadRequest(str(exc), path="effective[x]") from None
    return [None, None]


def _first_identifier(resource):
    for identifier in resource.get("identifier") or []:
        if identifier.get("value"):
            return identifier.get("system"), identifier["value"]
    return None


def parse_identifier_token(text: str, path: str = "identifier") -> tuple:
    """``system|value`` (or ``value``) as ``(system or None, value)``."""
    system, sep, value = text.partition("|")
    if not sep:
        system, value = None, system
    if not value:
        raise BadRequest(f"expected system|value, got {text!r}.", path=path)
    return system or None, value


class _Batch:
    """One ingest call: everything looked up once, shared by its Observations."""

    def __init__(self, exchange, actor):
        self.exchange = exchange
        self.actor = actor

    def check_structure(self, index, resource) -> _Candidate:
        """Checks that need no database: FHIR validity, status, coding, references, data."""
        if not isinstance(resource, dict):
            raise BadRequest("must be a JSON object (an Observation).")
        if resource.get("resourceType") != "Observation":
            raise BadRequest(f"resourceType must be Observation, got {resource.get('resourceType')!r}.",
                             path="resourceType")
        if not fast_observation.confirms(resource):  # the common shape skips fhir.resources (same verdict)
            import pydantic
            try:
                _model().model_validate(resource)
            except pydantic.ValidationError as exc:
                raise BadRequest(issues=[_pydantic_issue(err) for err in exc.errors()[:20]]) from None
        if resource["status"] not in OBSERVATION_STATUSES:
            raise BadRequest(f"{resource['status']!r} is not an ObservationStatus "
                             f"({', '.join(sorted(OBSERVATION_STATUSES))}).", path="status")
        codings = (resource.get("code") or {}).get("coding") or []
        if len(codings) != 1 or not codings[0].get("system") or not codings[0].get("code"):
            raise BadRequest("code must have exactly one coding with system and code.", path="code.coding")
        code = known_code(codings[0]["system"], codings[0]["code"])
        if code is None:
            raise Unprocessable(f"unknown code {codings[0]['system']}|{codings[0]['code']}.",
                                path="code.coding[0]")
        patient_id = _reference_id(resource.get("subject"), "Patient", "subject")
        device_id = _reference_id(resource["device"], "Device", "device") if resource.get("device") else None
        data = _decode_attachment(resource.get("valueAttachment"))
        return _Candidate(index, resource, code, patient_id, device_id, data, _first_identifier(resource),
                          _fhir_effective(resource))

    def load_references(self, candidates):
        patient_ids = {c.patient_id for c in candidates}
        source_ids = {c.data_source_id for c in candidates if c.data_source_id is not None}
        self.patients = {p.id: p for p in m.Patient.select().where(m.Patient.id.in_(patient_ids))} \
            if patient_ids else {}
        self.sources = {s.id for s in m.DataSource.select(m.DataSource.id).where(m.DataSource.id.in_(source_ids))} \
            if source_ids else set()
        self.may_upload = {}
        self.consented = load_consented_studies(self.patients)
        studies = {s for found in self.consented.values() for s in found}
        self.study_sources = {}
        if studies:
            for link in m.StudyDataSource.select().where(m.StudyDataSource.study.in_(studies)):
                self.study_sources.setdefault(link.study_id, set()).add(link.data_source_id)

    def check_access(self, candidate: _Candidate) -> None:
        patient = self.patients.get(candidate.patient_id)
        if patient is None:
            raise NotFound(f"Patient/{candidate.patient_id} does not exist.", path="subject")
        if candidate.data_source_id is not None and candidate.data_source_id not in self.sources:
            raise NotFound(f"Device/{candidate.data_source_id} is not a known data source.", path="device")
        if patient.id not in self.may_upload:
            self.may_upload[patient.id] = allowed(self.exchange, self.actor, "observation.upload", patient)
        if not self.may_upload[patient.id]:
            raise Forbidden(f"You may not upload observations for Patient/{patient.id}.", path="subject")
        studies = self.consented.get((patient.id, candidate.code.id), set())
        code_text = candidate.code.coding_code
        if not studies:
            raise Forbidden(f"Patient/{patient.id} has not consented to share {code_text} in a study "
                            f"they are enrolled in.", path="code")
        if candidate.data_source_id is not None and not any(
                candidate.data_source_id in self.study_sources.get(study, ()) for study in studies):
            raise Forbidden(f"Device/{candidate.data_source_id} is not a data source of any study in which "
                            f"Patient/{patient.id} consented to share {code_text}.", path="device")

    def run_hooks(self, candidate: _Candidate) -> None:
        context = IngestContext(code=candidate.code, data=candidate.data, effective=list(candidate.effective),
                                patient_id=candidate.patient_id, data_source_id=candidate.data_source_id)
        answers = self.exchange.hook.validate_observation(exchange=self.exchange, observation=candidate.resource,
                                                         context=context)
        issues = [issue for answer in answers if answer for issue in answer]
        if issues:
            raise Unprocessable(issues=issues)
        try:
            start, end = context.effective[0], context.effective[1]
            start = parse_instant(start) if start is not None else None
            end = parse_instant(end) if end is not None else start
        except (DateFormatError, TypeError, IndexError) as exc:
            raise Unprocessable(f"effective time could not be read: {exc}", path="effective[x]") from None
        candidate.effective = [start, end]


def load_consented_studies(patients) -> dict:
    """``{(patient id, code id): {study ids}}``: current consents in studies that request the code."""
    if not patients:
        return {}
    rows = (m.StudyPatientScopeConsent
            .select(m.StudyPatient.patient, m.StudyPatient.study, m.StudyPatientScopeConsent.scope_code)
            .join(m.StudyPatient)
            .join(m.StudyScopeRequest, on=((m.StudyScopeRequest.study == m.StudyPatient.study)
                                           & (m.StudyScopeRequest.scope_code == m.StudyPatientScopeConsent.scope_code)))
            .where(m.StudyPatient.patient.in_(list(patients)), m.StudyPatientScopeConsent.consented == True)  # noqa: E712
            .tuples())
    found = {}
    for patient_id, study_id, code_id in rows:
        found.setdefault((patient_id, code_id), set()).add(study_id)
    return found


def _pydantic_issue(err) -> Issue:
    path = ".".join(str(part) for part in err.get("loc", ()) if part != "__root__") or None
    message = " ".join(str(err.get("msg", "invalid")).split())
    return Issue(message, "invalid" if err.get("type") != "extra_forbidden" else "structure", path)


OBSERVATION_FIELDS = tuple(m.Observation._meta.sorted_fields)


def stored_identifiers(identifiers) -> dict:
    """``{(system, value): Observation}`` for those of ``identifiers`` already stored."""
    by_system = {}
    for system, value in identifiers:
        by_system.setdefault(system, set()).add(value)
    found = {}
    for system, values in by_system.items():
        values = sorted(values)
        for start in range(0, len(values), 500):
            chunk = values[start:start + 500]
            same_system = (m.Observation.identifier_system.is_null() if system is None
                           else m.Observation.identifier_system == system)
            query = m.Observation.select(*OBSERVATION_FIELDS).where(
                same_system, m.Observation.identifier_value.in_(chunk))
            # planned with the table's size of now: a plan kept from when it was empty scans it
            for values in rows_planned_now(m.Observation._meta.database, *query.sql()):
                row = as_instance(m.Observation, OBSERVATION_FIELDS, values)
                found[(row.identifier_system, row.identifier_value)] = row
    return found


def find_by_if_none_exist(actor, criteria: str):
    """The stored observation an ``If-None-Exist: identifier=system|value`` header names."""
    from jhe_core.services.access import restrict_observations
    name, sep, value = (criteria or "").strip().partition("=")
    if not sep or name.strip() != "identifier":
        raise BadRequest(f"If-None-Exist supports 'identifier=system|value' only, got {criteria!r}.",
                         path="If-None-Exist")
    system, value = parse_identifier_token(value.strip(), "If-None-Exist")
    same_system = m.Observation.identifier_system.is_null() if system is None else m.Observation.identifier_system == system
    query = m.Observation.select().where(same_system, m.Observation.identifier_value == value)
    return restrict_observations(query, actor).first()


def ingest(exchange, actor, resources: list, *, atomic: bool, if_none_exist=None) -> list[IngestResult]:
    """Validate and store ``resources`` (Observation dicts); one ``IngestResult`` per input, in order.

    :param atomic: all or nothing: the first failing input raises its error (paths point at
        ``Bundle.entry[i]``) and nothing is stored. Otherwise inputs succeed or fail one by one.
    :param if_none_exist: per-input ``If-None-Exist`` criteria (a list parallel to ``resources``,
        or None).
    """
    batch = _Batch(exchange, actor)
    results: list[IngestResult | None] = [None] * len(resources)
    conditions = list(if_none_exist or []) + [None] * (len(resources) - len(if_none_exist or []))

    def fail(index, error):
        if atomic:
            error.entry_index = index  # the Bundle layer points the issue paths at its entry
            raise error
        results[index] = IngestResult(index, error.status, error=error)

    candidates = []
    for index, resource in enumerate(resources):
        try:
            candidates.append(batch.check_structure(index, resource))
        except JHEError as error:
            fail(index, error)
    batch.load_references(candidates)
    accepted = []
    for candidate in candidates:
        try:
            batch.check_access(candidate)
            existing = find_by_if_none_exist(actor, conditions[candidate.index]) if conditions[candidate.index] else None
            if existing is not None:
                results[candidate.index] = IngestResult(candidate.index, 200, observation=existing)
                continue
            accepted.append(candidate)
        except JHEError as error:
            fail(candidate.index, error)
    accepted = _drop_duplicates(accepted, fail)
    checked = []
    for candidate in accepted:
        try:
            batch.run_hooks(candidate)
            checked.append(candidate)
        except JHEError as error:
            fail(candidate.index, error)
    stored = store_candidates(exchange, checked, atomic, fail)
    for row in stored:
        results[row.index] = IngestResult(row.index, 201, observation=row.observation)
    if stored:
        exchange.hook.observations_stored(exchange=exchange, observations=[row.observation for row in stored])
    return results


def _drop_duplicates(candidates, fail):
    keys = [c.identifier for c in candidates if c.identifier is not None]
    existing = stored_identifiers(keys) if keys else {}
    seen, kept = set(), []
    for candidate in candidates:
        key = candidate.identifier
        if key is not None and (key in existing or key in seen):
            fail(candidate.index, Conflict(f"an Observation with identifier {key[0] or ''}|{key[1]} already exists.",
                                           path="identifier"))
            continue
        if key is not None:
            seen.add(key)
        kept.append(candidate)
    return kept
