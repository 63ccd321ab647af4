"""Demo data that makes every example in the guides work verbatim (``jhe seed --demo``).

Idempotent: every row is looked up by its natural key or fixed id before it is created.
"""

import base64
import datetime
import json
import logging

from jhe_core import models as m
from jhe_core.auth.passwords import hash_password
from jhe_core.registries import _bump_sequence

log = logging.getLogger("jhe.seed")

DEMO_PASSWORD = "jhe-demo-2024"
OMH = "https://w3id.org/openmhealth"

DEMO_CODES = [
    (1, "omh:blood-glucose:4.0", "Blood Glucose"),
    (2, "omh:blood-pressure:4.0", "Blood Pressure"),
    (3, "omh:body-temperature:4.0", "Body Temperature"),
    (4, "omh:heart-rate:2.0", "Heart Rate"),
    (5, "omh:oxygen-saturation:2.0", "Oxygen Saturation"),
    (6, "omh:respiratory-rate:2.0", "Respiratory Rate"),
    (7, "omh:step-count:3.0", "Step Count"),
    (8, "omh:body-weight:3.0", "Body Weight"),
]

DEMO_ORGANIZATIONS = [(1, "Example Clinic", "prov"), (2, "Northside Research Institute", "prov")]

# email, first, last, organization id, role (None: superuser without organization)
DEMO_PRACTITIONERS = [
    ("practitioner@example.com", "Jane", "Doe", 1, "manager"),
    ("member@example.com", "Mark", "Member", 1, "member"),
    ("viewer@example.com", "Vera", "Viewer", 1, "viewer"),
    ("manager2@example.com", "Omar", "Other", 2, "manager"),
    ("admin@example.com", "Ada", "Admin", None, None),
]

# id, email, given, family, birth date, phone, identifier, organization ids
DEMO_PATIENTS = [
    (10001, "john.smith@example.com", "John", "Smith", "1980-01-01", "555-1234", "MRN-12345", [1]),
    (10002, "maria.garcia@example.com", "Maria", "Garcia", "1975-05-15", "555-5678", "MRN-12346", [1]),
    (10003, "wei.chen@example.com", "Wei", "Chen", "1990-09-30", "555-9012", "MRN-12347", [1, 2]),
]

# id, name, type, supported code ids
DEMO_DATA_SOURCES = [
    (70001, "iHealth", "personal_device", [1, 2]),
    (70002, "Dexcom", "personal_device", [1]),
    (70003, "CareX", "personal_device", [1, 2, 4, 5]),
    (70005, "Omron", "personal_device", [2, 4]),
]

# id, name, description, organization, icon, scope code ids, data source ids
DEMO_STUDIES = [
    (10001, "Diabetes Management Study", "Monitoring blood glucose levels", 1,
     "https://example.com/icon.png", [1], [70001]),
    (10002, "Cardiac Health Study", "Blood pressure and heart rate in cardiac rehabilitation", 1,
     "https://example.com/cardiac.png", [2, 4], [70005]),
    (10003, "Northside Activity Study", "Daily activity of Northside participants", 2,
     None, [4, 7], [70003]),
]

# patient id, study id, {code id: consented}
DEMO_ENROLLMENTS = [
    (10001, 10001, {1: True}),
    (10001, 10002, {}),
    (10002, 10001, {1: True}),
    (10003, 10002, {2: True, 4: False}),
    (10003, 10003, {4: True}),
]

DEMO_CLIENTS = [
    # client id, name, redirect URIs (a path means "on this server"), grant types
    ("jhe-cli", "Scripts and notebooks", "http://localhost:8000/auth/callback http://127.0.0.1:8000/auth/callback",
     "authorization_code refresh_token password"),
    ("jhe-portal", "Practitioner console", "/portal/callback", "authorization_code refresh_token"),
    ("jhe-mobile", "CommonHealth app", "/auth/callback https://jhe.yourdomain.com/auth/callback",
     "authorization_code refresh_token"),
]


def ensure_codes():
    for code_id, code, text in DEMO_CODES:
        row = m.CodeableConcept.get_or_none(coding_system=OMH, coding_code=code)
        if row is None and not m.CodeableConcept.select().where(m.CodeableConcept.id == code_id).exists():
            m.CodeableConcept.create(id=code_id, coding_system=OMH, coding_code=code, text=text)
        elif row is None:
            m.CodeableConcept.create(coding_system=OMH, coding_code=code, text=text)
    _bump_sequence(m.CodeableConcept)


def ensure_user(email, first, last, *, user_type="practitioner", superuser=False, password=None):
    user = m.User.get_or_none(m.User.email == email)
    if user is None:
        user = m.User.create(email=email, first_name=first, last_name=last, user_type=user_type,
                             is_superuser=superuser, password_hash=hash_password(password) if password else None)
    return user


def seed_demo(password: str = DEMO_PASSWORD, exchange=None) -> dict:
    """Create the demo rows that are missing; returns counts of what was created. With the
    app's ``exchange``, also the demo observations (they go through the ingest pipeline)."""
    created = {"organizations": 0, "users": 0, "patients": 0, "studies": 0}
    _seed_rows(password, created)
    if exchange is not None:
        created["observations"] = seed_demo_observations(exchange)
    return created


def _seed_rows(password, created):
    with m.User._meta.database.atomic():
        ensure_codes()
        codes = {c.id: c for c in m.CodeableConcept.select()}
        for org_id, name, org_type in DEMO_ORGANIZATIONS:
            if not m.Organization.select().where(m.Organization.id == org_id).exists():
                m.Organization.create(id=org_id, name=name, type=org_type, part_of=m.ROOT_ORGANIZATION_ID)
                created["organizations"] += 1
        _bump_sequence(m.Organization)

        for email, first, last, org_id, role in DEMO_PRACTITIONERS:
            existed = m.User.select().where(m.User.email == email).exists()
            user = ensure_user(email, first, last, superuser=role is None, password=password)
            created["users"] += 0 if existed else 1
            practitioner, _ = m.Practitioner.get_or_create(user=user)
            if org_id is not None:
                m.PractitionerOrganization.get_or_create(practitioner=practitioner, organization=org_id,
                                                         defaults={"role": role})

        for ds_id, name, ds_type, code_ids in DEMO_DATA_SOURCES:
            source = m.DataSource.get_or_none(m.DataSource.id == ds_id)
            if source is None:
                source = m.DataSource.create(id=ds_id, name=name, type=ds_type)
            for code_id in code_ids:
                m.DataSourceSupportedScope.get_or_create(data_source=source, scope_code=codes[code_id])
        _bump_sequence(m.DataSource)

        for pid, email, given, family, birth, phone, identifier, org_ids in DEMO_PATIENTS:
            if m.Patient.select().where(m.Patient.id == pid).exists():
                continue
            user = ensure_user(email, given, family, user_type="patient")
            patient = m.Patient.create(id=pid, user=user, name_given=given, name_family=family,
                                       birth_date=datetime.date.fromisoformat(birth), telecom_phone=phone,
                                       identifier=identifier)
            for org_id in org_ids:
                m.PatientOrganization.create(patient=patient, organization=org_id)
            created["patients"] += 1
        _bump_sequence(m.Patient)

        for sid, name, description, org_id, icon, code_ids, ds_ids in DEMO_STUDIES:
            if m.Study.select().where(m.Study.id == sid).exists():
                continue
            study = m.Study.create(id=sid, name=name, description=description, organization=org_id, icon_url=icon)
            for code_id in code_ids:
                m.StudyScopeRequest.create(study=study, scope_code=code_id)
            for ds_id in ds_ids:
                m.StudyDataSource.create(study=study, data_source=ds_id)
            created["studies"] += 1
        _bump_sequence(m.Study)

        for pid, sid, answers in DEMO_ENROLLMENTS:
            enrollment, _ = m.StudyPatient.get_or_create(study=sid, patient=pid)
            for code_id, consented in answers.items():
                m.StudyPatientScopeConsent.get_or_create(study_patient=enrollment, scope_code=code_id,
                                                         defaults={"consented": consented})

        for client_id, name, redirects, grants in DEMO_CLIENTS:
            m.OAuthClient.get_or_create(client_id=client_id, defaults={
                "name": name, "client_type": "public", "redirect_uris": redirects, "grant_types": grants,
                "skip_authorization": True})


# patient, data source, code (OMH schema name, version), body template, effective times (UTC)
DEMO_OBSERVATIONS = [
    (10001, 70001, ("blood-glucose", "4.0"), lambda value: {"blood_glucose": {"value": value, "unit": "mg/dL"}},
     [("2024-05-01T07:30:00Z", 96), ("2024-05-01T12:45:00Z", 142), ("2024-05-02T07:35:00Z", 101)]),
    (10003, 70003, ("heart-rate", "2.0"), lambda value: {"heart_rate": {"value": value, "unit": "beats/min"}},
     [("2024-05-01T08:00:00Z", 64), ("2024-05-01T18:10:00Z", 77), ("2024-05-02T08:05:00Z", 61)]),
]
DEMO_IDENTIFIER_SYSTEM = "https://jhe.example.org/demo-observations"


def demo_observation(patient_id, source_id, schema, body, when, serial) -> dict:
    """A consented OMH data point wrapped in an R5 Observation, as a phone app uploads it."""
    name, version = schema
    uuid = f"00000000-0000-4000-8000-{patient_id:06d}{serial:06d}"
    data_point = {
        "header": {"uuid": uuid, "schema_id": {"namespace": "omh", "name": name, "version": version},
                   "source_creation_date_time": when, "modality": "sensed"},
        "body": {**body, "effective_time_frame": {"date_time": when}},
    }
    return {
        "resourceType": "Observation",
        "status": "final",
        "identifier": [{"system": DEMO_IDENTIFIER_SYSTEM, "value": uuid}],
        "code": {"coding": [{"system": OMH, "code": f"omh:{name}:{version}"}]},
        "subject": {"reference": f"Patient/{patient_id}"},
        "device": {"reference": f"Device/{source_id}"},
        "valueAttachment": {"contentType": "application/json",
                            "data": base64.b64encode(json.dumps(data_point).encode()).decode()},
    }


def seed_demo_observations(exchange) -> int:
    """Store the demo observations that are missing (as the superuser, through the ingest
    pipeline, idempotent by identifier); returns how many were created."""
    from jhe_core.actors import Actor
    from jhe_core.services.observations import ingest

    admin = m.User.get(m.User.email == "admin@example.com")
    resources = [demo_observation(patient_id, source_id, schema, make_body(value), when, serial)
                 for patient_id, source_id, schema, make_body, points in DEMO_OBSERVATIONS
                 for serial, (when, value) in enumerate(points, start=1)]
    conditions = [f"identifier={DEMO_IDENTIFIER_SYSTEM}|{r['identifier'][0]['value']}" for r in resources]
    results = ingest(exchange, Actor(user=admin), resources, atomic=False, if_none_exist=conditions)
    for result in results:
        if result.error is not None:  # e.g. a permission policy that forbids it: demo data is optional
            log.warning("demo observation %d not stored: %s", result.index, result.error.message)
    return sum(1 for result in results if result.status == 201)


def is_empty() -> bool:
    """True when no account exists yet (a fresh database)."""
    return not m.User.select().exists()
