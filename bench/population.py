"""The people and studies a benchmark database holds, written straight into the tables.

Four organizations; the benchmark practitioner manages two of them, so every query pays for the
visibility rules and half the patients are invisible to it. Each organization runs five studies
requesting different data types from different devices; every patient is enrolled in one or two
studies of their organization and consented to (almost) every type those studies request. A
few "continuous monitoring" patients of the first organization wear a glucose monitor that
reports every five minutes: they give the deep (page 50) searches their depth.
"""

import datetime
import random
from dataclasses import dataclass, field

import peewee

from jhe_core import models as m
from jhe_core.auth.passwords import hash_password
from jhe_core.db import is_postgres

from bench.data import GLUCOSE, HEART_RATE, OMH_SYSTEM, PRESSURE, STEPS

PRACTITIONER_EMAIL = "bench.manager@example.com"
PASSWORD = "jhe-bench-2024"

# name -> (codes requested, devices used)
STUDY_KINDS = {
    "Diabetes": ((GLUCOSE,), ("Bench Meter", "Bench CGM")),
    "Cardiac": ((PRESSURE, HEART_RATE), ("Bench Cuff", "Bench Watch")),
    "Activity": ((STEPS, HEART_RATE), ("Bench Watch", "Bench Phone")),
    "Metabolic": ((GLUCOSE, PRESSURE, STEPS), ("Bench Meter", "Bench Cuff", "Bench Phone")),
    "Wellbeing": ((GLUCOSE, PRESSURE, HEART_RATE, STEPS),
                  ("Bench Meter", "Bench Cuff", "Bench Watch", "Bench Phone")),
}
DEVICES = {  # name -> the codes it sends
    "Bench Meter": (GLUCOSE,), "Bench CGM": (GLUCOSE,), "Bench Cuff": (PRESSURE, HEART_RATE),
    "Bench Watch": (HEART_RATE, STEPS), "Bench Phone": (STEPS,),
}
CGM_STUDY = "Continuous Glucose Monitoring"


@dataclass
class Enrolled:
    """One patient's data streams: code -> device, for the codes they consented to."""

    patient_id: int
    organization_id: int
    visible: bool
    streams: dict = field(default_factory=dict)
    continuous: bool = False
    study_ids: list = field(default_factory=list)


@dataclass
class Population:
    code_ids: dict  # code text -> CodeableConcept id
    device_ids: dict  # device name -> DataSource id
    organization_ids: list
    visible_organization_ids: list
    study_ids: dict  # study id -> (organization id, kind)
    patients: list  # [Enrolled]
    practitioner_user_id: int


def _max_id(model) -> int:
    return model.select(peewee.fn.MAX(model.id)).scalar() or 0


def _insert(model, rows: list[dict], batch: int = 500) -> None:
    for start in range(0, len(rows), batch):
        model.insert_many(rows[start:start + batch]).execute()


def _bump(model) -> None:
    if is_postgres():
        table = model._meta.table_name
        model._meta.database.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f"GREATEST(1, (SELECT COALESCE(MAX(id), 0) FROM \"{table}\")))")


def ensure_codes() -> dict:
    found = {}
    for code in (GLUCOSE, PRESSURE, HEART_RATE, STEPS):
        row, _ = m.CodeableConcept.get_or_create(coding_system=OMH_SYSTEM, coding_code=code,
                                                 defaults={"text": code.split(":")[1].replace("-", " ").title()})
        found[code] = row.id
    return found


def create_population(patient_count: int, continuous_count: int, rng: random.Random) -> Population:
    """Write organizations, devices, studies, the practitioner, patients, enrollments and consents."""
    now = m.utcnow()
    code_ids = ensure_codes()
    device_ids = {}
    for name, codes in DEVICES.items():
        source = m.DataSource.create(id=max(_max_id(m.DataSource) + 1, 70001), name=name, type="personal_device")
        device_ids[name] = source.id
        for code in codes:
            m.DataSourceSupportedScope.create(data_source=source, scope_code=code_ids[code])
    _bump(m.DataSource)

    organization_ids = []
    for letter in "ABCD":
        organization_ids.append(m.Organization.create(name=f"Bench Clinic {letter}", type="prov",
                                                      part_of=m.ROOT_ORGANIZATION_ID).id)
    visible = organization_ids[:2]

    user = m.User.create(email=PRACTITIONER_EMAIL, first_name="Bench", last_name="Manager",
                         password_hash=hash_password(PASSWORD))
    practitioner = m.Practitioner.create(user=user)
    for organization_id in visible:
        m.PractitionerOrganization.create(practitioner=practitioner, organization=organization_id, role="manager")

    study_ids, studies_of = {}, {}
    kinds = [(kind, codes, devices) for kind, (codes, devices) in STUDY_KINDS.items()]
    for organization_id in organization_ids:
        for kind, codes, devices in kinds + ([(CGM_STUDY, (GLUCOSE,), ("Bench CGM",))]
                                             if organization_id == organization_ids[0] else []):
            study = m.Study.create(id=max(_max_id(m.Study) + 1, 10001), name=f"{kind} Study {organization_id}",
                                   description=f"Benchmark {kind.lower()} study", organization=organization_id)
            for code in codes:
                m.StudyScopeRequest.create(study=study, scope_code=code_ids[code])
            for device in devices:
                m.StudyDataSource.create(study=study, data_source=device_ids[device])
            study_ids[study.id] = (organization_id, kind)
            studies_of.setdefault(organization_id, []).append((study.id, kind, codes, devices))
    _bump(m.Study)

    first_user, first_patient = _max_id(m.User) + 1, max(_max_id(m.Patient) + 1, 10001)
    first_enrollment, first_consent = _max_id(m.StudyPatient) + 1, _max_id(m.StudyPatientScopeConsent) + 1
    users, patients, memberships, enrollments, consents, enrolled = [], [], [], [], [], []
    for n in range(patient_count):
        user_id, patient_id = first_user + n, first_patient + n
        organization_id = organization_ids[n % len(organization_ids)]
        continuous = organization_id == organization_ids[0] and n // len(organization_ids) < continuous_count
        users.append({"id": user_id, "email": f"patient{n}@bench.example", "first_name": f"Given{n}",
                      "last_name": f"Family{n}", "user_type": "patient", "date_joined": now})
        patients.append({"id": patient_id, "user": user_id, "identifier": f"BENCH-{n:07d}",
                         "name_family": f"Family{n}", "name_given": f"Given{n}",
                         "birth_date": datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randint(0, 25000)),
                         "created": now, "last_updated": now})
        memberships.append({"patient": patient_id, "organization": organization_id})
        person = Enrolled(patient_id, organization_id, organization_id in visible, continuous=continuous)
        offered = studies_of[organization_id]
        if continuous:
            chosen = [study for study in offered if study[1] == CGM_STUDY]
        else:
            regular = [study for study in offered if study[1] != CGM_STUDY]
            chosen = rng.sample(regular, 1 if rng.random() < 0.6 else 2)
        for study_id, kind, codes, devices in chosen:
            enrollment_id = first_enrollment + len(enrollments)
            enrollments.append({"id": enrollment_id, "study": study_id, "patient": patient_id, "created": now})
            person.study_ids.append(study_id)
            for code in codes:
                agreed = continuous or rng.random() < 0.95
                consents.append({"id": first_consent + len(consents), "study_patient": enrollment_id,
                                 "scope_code": code_ids[code], "consented": agreed, "consented_time": now})
                if agreed and code not in person.streams:
                    device = rng.choice([d for d in devices if code in DEVICES[d]])
                    person.streams[code] = device_ids[device]
        enrolled.append(person)
    _insert(m.User, users)
    _insert(m.Patient, patients)
    _insert(m.PatientOrganization, memberships)
    _insert(m.StudyPatient, enrollments)
    _insert(m.StudyPatientScopeConsent, consents)
    for model in (m.User, m.Patient, m.PatientOrganization, m.StudyPatient, m.StudyPatientScopeConsent):
        _bump(model)
    return Population(code_ids, device_ids, organization_ids, visible, study_ids, enrolled, user.id)
