"""JSON Schemas (OpenAPI 3.1 / JSON Schema 2020-12) of every /api/v1 request and response body.
Responses are described exactly (``additionalProperties`` left open so a plugin may add keys);
requests list what the server reads, in camelCase (snake_case keys are accepted as well)."""

from jhe_core.models import ROLES
from jhe_core.models.data_sources import DATA_SOURCE_TYPES
from jhe_core.services.organizations import ASSIGNABLE_TYPES

ID = {"type": "integer", "minimum": 0, "maximum": 2147483647}
NULLABLE_ID = {"type": ["integer", "null"], "minimum": 0, "maximum": 2147483647}
TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": ["string", "null"]}
TIME = {"type": ["string", "null"], "format": "date-time"}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict, required=None, **extra) -> dict:
    schema = {"type": "object", "properties": properties, "required": list(properties if required is None else required)}
    schema.update(extra)
    return schema


def name_field(max_length: int) -> dict:
    return {"type": "string", "minLength": 1, "maxLength": max_length}


CODE = obj({"id": ID, "codingSystem": TEXT, "codingCode": TEXT, "text": TEXT})
ORGANIZATION_SUMMARY = obj({"id": ID, "name": TEXT, "type": TEXT})
PRACTITIONER_ROLE = obj({"id": ID, "jheUserId": ID, "email": TEXT, "firstName": TEXT, "lastName": TEXT,
                         "organizationId": ID, "role": {"enum": list(ROLES)}})
DATA_SOURCE_SUMMARY = obj({"id": ID, "name": TEXT, "type": TEXT})
PATIENT = obj({
    "id": ID, "jheUserId": ID, "identifier": NULLABLE_TEXT,
    "identifiers": {"type": "array", "items": obj({"system": TEXT, "value": TEXT})},
    "nameFamily": TEXT, "nameGiven": TEXT, "birthDate": {"type": ["string", "null"], "format": "date"},
    "telecomPhone": NULLABLE_TEXT, "telecomEmail": NULLABLE_TEXT, "organizationId": NULLABLE_ID,
    "organizations": {"type": "array", "items": ref("OrganizationSummary")},
})
STUDY_COMMON = {"id": ID, "name": TEXT, "description": TEXT, "organization": ref("OrganizationSummary"),
                "iconUrl": NULLABLE_TEXT}
SCOPE_CONSENT = obj({"code": ref("Code"), "consented": {"type": ["boolean", "null"]}, "consentedTime": TIME})
CONSENT_STUDY = {**STUDY_COMMON, "dataSources": {"type": "array", "items": ref("DataSource")}}

RESPONSES = {
    "Error": obj({"detail": TEXT}),
    "Code": CODE,
    "OrganizationSummary": ORGANIZATION_SUMMARY,
    "PractitionerRole": PRACTITIONER_ROLE,
    "Organization": obj({"id": ID, "name": TEXT, "type": TEXT, "partOf": NULLABLE_ID,
                         "practitioners": {"type": "array", "items": ref("PractitionerRole")}}),
    "OrganizationTree": obj({"id": ID, "name": TEXT, "type": TEXT, "partOf": NULLABLE_ID,
                             "children": {"type": "array", "items": ref("OrganizationTree")}}),
    "DataSource": obj({"id": ID, "name": TEXT, "type": TEXT,
                       "supportedScopes": {"type": "array", "items": ref("Code")}}),
    "Patient": PATIENT,
    "PatientLookup": obj({"id": ID, "nameFamily": TEXT, "nameGiven": TEXT, "birthDate": TEXT,
                          "telecomEmail": TEXT}),
    "Study": obj({**STUDY_COMMON,
                  "patients": {"type": "array", "items": obj({"id": ID, "nameFamily": TEXT, "nameGiven": TEXT})},
                  "scopeRequests": {"type": "array", "items": ref("Code")},
                  "dataSources": {"type": "array", "items": obj(DATA_SOURCE_SUMMARY["properties"])}}),
    "ConsentOverview": obj({
        "patient": ref("Patient"),
        "consolidatedConsentedScopes": {"type": "array", "items": ref("Code")},
        "studiesPendingConsent": {"type": "array", "items": obj(
            {**CONSENT_STUDY, "pendingScopeConsents": {"type": "array", "items": SCOPE_CONSENT}})},
        "studies": {"type": "array", "items": obj(
            {**CONSENT_STUDY, "scopeConsents": {"type": "array", "items": SCOPE_CONSENT}})},
    }),
    "Observation": obj({
        "id": ID, "subjectPatient": ID, "patientNameDisplay": TEXT, "codeableConcept": ID,
        "codingSystem": TEXT, "codingCode": TEXT, "dataSource": NULLABLE_ID, "status": TEXT,
        "valueAttachmentData": {"description": "The decoded Open mHealth data point (any JSON value)."},
        "created": TIME, "lastUpdated": TIME,
    }, required=["id", "subjectPatient", "patientNameDisplay", "codeableConcept", "codingSystem", "codingCode",
                 "dataSource", "status", "valueAttachmentData", "created", "lastUpdated"]),
    "Profile": obj({
        "id": NULLABLE_ID, "email": NULLABLE_TEXT, "firstName": TEXT, "lastName": TEXT, "userType": TEXT,
        "isSuperuser": {"type": "boolean"},
        "practitioner": {"oneOf": [{"type": "null"}, obj({
            "id": ID, "jheUserId": ID,
            "organizations": {"type": "array", "items": obj(
                {**ORGANIZATION_SUMMARY["properties"], "role": {"enum": list(ROLES)}})}})]},
        "patient": {"oneOf": [{"type": "null"}, ref("Patient")]},
    }),
}

ORGANIZATION_REFERENCE = {"oneOf": [ID, obj({"id": ID}, required=["id"])]}

# Demographics a patient body may carry, on create and on update alike.
PATIENT_FIELDS = {
    "telecomEmail": {"type": "string", "format": "email", "maxLength": 254},
    "nameFamily": name_field(255), "nameGiven": name_field(255),
    "birthDate": {"type": "string", "format": "date"},
    "telecomPhone": {"type": ["string", "null"], "maxLength": 50},
    "identifier": {"type": ["string", "null"], "maxLength": 255},
    "identifiers": {"type": "array", "items": obj({"system": name_field(255), "value": name_field(255)})},
}

REQUESTS = {
    "OrganizationCreate": obj({"name": name_field(200), "type": {"enum": list(ASSIGNABLE_TYPES)},
                               "partOf": {"oneOf": [NULLABLE_ID, obj({"id": ID}, required=["id"])]}},
                              required=["name"]),
    "OrganizationUpdate": obj({"name": name_field(200), "type": {"enum": list(ASSIGNABLE_TYPES)}}, required=[]),
    "PractitionerRoleCreate": obj({"email": {"type": "string", "format": "email", "maxLength": 254},
                                   "role": {"enum": list(ROLES)}}, required=["email"]),
    "PractitionerRoleUpdate": obj({"role": {"enum": list(ROLES)}}),
    "DataSourceCreate": obj({"name": name_field(200), "type": {"enum": list(DATA_SOURCE_TYPES)},
                             "supportedScopes": {"type": "array", "items": ID}}, required=["name"]),
    "DataSourceUpdate": obj({"name": name_field(200), "type": {"enum": list(DATA_SOURCE_TYPES)}}, required=[]),
    "PatientCreate": obj({**PATIENT_FIELDS, "organizationId": ORGANIZATION_REFERENCE},
                         required=["telecomEmail", "nameFamily", "nameGiven", "birthDate", "organizationId"]),
    "PatientUpdate": obj(PATIENT_FIELDS, required=[]),
    "StudyCreate": obj({"name": name_field(255), "description": {"type": "string", "maxLength": 10000},
                        "organization": ORGANIZATION_REFERENCE,
                        "iconUrl": {"type": ["string", "null"], "maxLength": 1000}},
                       required=["name", "description", "organization"]),
    "StudyUpdate": obj({"name": name_field(255), "description": {"type": "string", "maxLength": 10000},
                        "iconUrl": {"type": ["string", "null"], "maxLength": 1000}}, required=[]),
    "PatientIds": obj({"patient_ids": {"type": "array", "items": ID, "minItems": 1, "maxItems": 1000}}),
    "ScopeCodeId": obj({"scope_code_id": ID}),
    "DataSourceId": obj({"data_source_id": ID}),
    "ConsentDecisions": obj({"studyScopeConsents": {"type": "array", "minItems": 1, "items": obj({
        "studyId": ID,
        "scopeConsents": {"type": "array", "minItems": 1, "items": obj(
            {"codingSystem": TEXT, "codingCode": TEXT, "consented": {"type": "boolean"}},
            required=["codingCode", "consented"])},
    })}}),
}

SCHEMAS = {**RESPONSES, **REQUESTS}
