"""Compiling one schema into a validator: the single place a faster engine could plug in.

Everything else asks ``compile_validator`` for an object with ``problems(instance)`` and never
touches jsonschema directly.
"""

from dataclasses import dataclass

from jsonschema import Draft7Validator, FormatChecker
from jsonschema.exceptions import relevance
from jsonschema.validators import validator_for
from referencing import Registry

from jhe_plugins.omh.inline import CyclicReference, inline_refs

# One checker for every validator. jsonschema checks "date-time" only when rfc3339-validator
# is installed, and silently skips it otherwise; refuse to run without it.
FORMAT_CHECKER = FormatChecker()
if "date-time" not in FORMAT_CHECKER.checkers:
    raise ImportError("the omh plugin needs the rfc3339-validator package to check date-times")


@dataclass(frozen=True)
class Problem:
    """One violation: where in the instance (keys and indexes) and the schema's reason."""

    path: tuple
    message: str


class JSONSchemaValidator:
    """A jsonschema validator over a schema whose references were resolved once."""

    def __init__(self, schema: dict, registry: Registry):
        try:
            schema = inline_refs(schema, registry)
        except CyclicReference:
            pass  # the registry resolves them on every call instead: slower, still correct
        cls = validator_for(schema, default=Draft7Validator)
        self._validator = cls(schema, registry=registry, format_checker=FORMAT_CHECKER)

    def problems(self, instance) -> list[Problem]:
        found = []
        for error in self._validator.iter_errors(instance):
            error = most_specific(error)
            found.append(Problem(tuple(error.absolute_path), error.message))
        found.sort(key=lambda problem: [str(part) for part in problem.path])
        return found


def most_specific(error):
    """Descend from a failed ``oneOf``/``anyOf`` to the deepest error of its alternatives
    ("is not valid under any of the given schemas" says little), unless two alternatives
    disagree about what is wrong. Identical errors reached through several alternatives
    (a bad ``duration.unit`` under both start+duration and end+duration) count once."""
    while error.context:
        ranked = sorted(error.context, key=relevance)
        best = ranked[0]
        rivals = [other for other in ranked[1:] if relevance(other) == relevance(best)
                  and (other.path, other.message) != (best.path, best.message)]
        if rivals:
            break
        error = best
    return error


def compile_validator(schema: dict, registry: Registry) -> JSONSchemaValidator:
    """Build the validator for ``schema`` (its ``$ref``s resolved in ``registry``)."""
    return JSONSchemaValidator(schema, registry)
