"""An optional compiled engine for Open mHealth validation (``jsonschema-rs``), used when
installed (``pip install jhe[fast]``) unless ``[plugins.omh] validator_engine = "jsonschema"``.

Validation is the ingest bottleneck; almost every data point uploaded is valid. The compiled
engine answers "valid?" ~10-20x faster than jsonschema; only an instance it rejects goes through
the reference validator, which writes the problems (paths, messages) exactly as without the
accelerator. So answers cannot differ for invalid data, and for valid data the engine must agree
with the reference validator: formats are checked with the reference's own format checker (the
same date-time, uuid and iri rules), and the agreement is tested case by case
(tests/plugins/omh/test_omh_accelerator.py).
"""

import os

from jhe_plugins.omh.inline import CyclicReference, inline_refs

try:
    import jsonschema_rs
except ImportError:  # optional: the reference validator does all the work
    jsonschema_rs = None

ENGINE_ENV = "JHE_OMH_VALIDATOR_ENGINE"  # "jsonschema" forces the reference engine everywhere


def available() -> bool:
    return jsonschema_rs is not None and os.environ.get(ENGINE_ENV, "auto") != "jsonschema"


class AcceleratedValidator:
    """``problems(instance)`` as the reference validator gives them, decided by a compiled
    schema first."""

    def __init__(self, schema: dict, registry, reference, format_checker):
        self.reference = reference
        inlined = inline_refs(schema, registry)  # CyclicReference: the caller keeps the reference
        formats = {name: _conforms(format_checker, name) for name in ("date-time", "uuid", "iri")}
        self._compiled = jsonschema_rs.validator_for(inlined, validate_formats=True, formats=formats)

    def is_valid(self, instance) -> bool:
        return self._compiled.is_valid(instance)

    def problems(self, instance) -> list:
        if self._compiled.is_valid(instance):
            return []
        return self.reference.problems(instance)


def _conforms(format_checker, name: str):
    def check(value) -> bool:
        return format_checker.conforms(value, name)
    return check


def accelerate(schema: dict, registry, reference, format_checker):
    """The accelerated validator, or ``reference`` itself when the engine is unavailable or the
    schema cannot be compiled by it (a cyclic schema, a keyword it does not know)."""
    if not available():
        return reference
    try:
        return AcceleratedValidator(schema, registry, reference, format_checker)
    except (CyclicReference, ValueError, jsonschema_rs.ValidationError if jsonschema_rs else ValueError):
        return reference
