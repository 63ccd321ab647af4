"""A fast path past fhir.resources for the Observations clients upload every day.

Validating an Observation with fhir.resources costs ~0.1 ms, most of it in the Python
validators fhir.resources runs on every element: about a third of ingest. Almost every upload
has the same plain shape: an identifier, status, code, subject, device, maybe a category and an
effective time, and the data in ``valueAttachment``. A compiled JSON Schema (``jsonschema-rs``)
checks that shape in a few microseconds.

The reference stays the judge. The schema below is *stricter* than fhir.resources on purpose: it
knows only the elements listed, forbids nulls, empty strings, arrays and objects, and accepts
only unambiguous values (full date-times with a zone and no leap day or second, canonical
base64, ...). ``confirms(resource)`` is True only for a resource the schema accepts, which
fhir.resources would accept too; anything else — other elements, unusual values, invalid
data — goes through fhir.resources, whose verdict and messages are what the client sees. So the
fast path can only save time, never change an answer. That "confirmed implies accepted by the
reference" is tested on thousands of altered Observations
(``tests/core/fhir/test_fast_observation.py``).

``JHE_FHIR_VALIDATOR_ENGINE=reference`` turns the fast path off; without ``jsonschema-rs``
installed it is off too.
"""

import os

try:
    import jsonschema_rs
except ImportError:  # optional: fhir.resources does all the work
    jsonschema_rs = None

ENGINE_ENV = "JHE_FHIR_VALIDATOR_ENGINE"

# Primitives, each at least as strict as fhir.resources' own rule for the type.
_STRING = {"type": "string", "maxLength": 4096,
           "pattern": r"^[^\s\x00-\x1f\x7f](?:[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f])?$"}
_URI = {"type": "string", "maxLength": 4096, "pattern": r"^[!-~]+$"}
_CODE = {"type": "string", "maxLength": 256, "pattern": r"^[!-~]+(?: [!-~]+)*$"}
_ID = {"type": "string", "pattern": r"^[A-Za-z0-9\-.]{1,64}$"}
_BASE64 = {"type": "string", "minLength": 4,
           "pattern": r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"}
# A full date-time with seconds and a zone; days that exist in every year (29 February and leap
# seconds take the reference path); zone offsets within -12:00..+14:00.
_DATE = (r"(?:19|20)[0-9]{2}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])"
         r"|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)")
_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?"
_ZONE = r"(?:Z|[+-](?:0[0-9]|1[0-3]):[0-5][0-9]|\+14:00)"
_INSTANT = {"type": "string", "pattern": f"^{_DATE}T{_TIME}{_ZONE}$"}


def _element(properties: dict, required=()) -> dict:
    return {"type": "object", "additionalProperties": False, "minProperties": 1,
            "properties": properties, "required": list(required)}


def _list_of(item: dict) -> dict:
    return {"type": "array", "minItems": 1, "maxItems": 100, "items": item}


_CODING = _element({"system": _URI, "code": _CODE, "display": _STRING, "version": _STRING})
_CODEABLE_CONCEPT = _element({"coding": _list_of(_CODING), "text": _STRING})
_REFERENCE = _element({"reference": _STRING, "display": _STRING})
_IDENTIFIER = _element({"use": _CODE, "system": _URI, "value": _STRING})
_PERIOD = _element({"start": _INSTANT, "end": _INSTANT})
_ATTACHMENT = _element({"contentType": _CODE, "data": _BASE64})
_META = _element({"versionId": _ID, "lastUpdated": _INSTANT, "source": _URI, "profile": _list_of(_URI)})

SCHEMA = {
    **_element({
        "resourceType": {"const": "Observation"},
        "id": _ID,
        "meta": _META,
        "identifier": _list_of(_IDENTIFIER),
        "status": _CODE,
        "category": _list_of(_CODEABLE_CONCEPT),
        "code": _CODEABLE_CONCEPT,
        "subject": _REFERENCE,
        "device": _REFERENCE,
        "effectiveDateTime": _INSTANT,
        "effectivePeriod": _PERIOD,
        "issued": _INSTANT,
        "valueAttachment": _ATTACHMENT,
    }, required=("resourceType", "status", "code")),
    # effective[x] is a choice: one of its types at most
    "not": {"required": ["effectiveDateTime", "effectivePeriod"]},
}


def _compile():
    if jsonschema_rs is None or os.environ.get(ENGINE_ENV, "auto") == "reference":
        return None
    return jsonschema_rs.validator_for(SCHEMA)


_validator = _compile()


def confirms(resource) -> bool:
    """True when ``resource`` has the plain shape and fhir.resources would accept it; False
    means "ask fhir.resources", not "invalid"."""
    if _validator is None:
        return False
    try:
        return _validator.is_valid(resource)
    except (ValueError, TypeError):  # not JSON (a caller passed datetime, bytes...): no verdict
        return False
