"""Resolve a schema's ``$ref``s once, ahead of validation.

A validator following ``$ref``s through the registry on every call spends about half its time
resolving; a schema with its references replaced by their targets validates twice as fast and
needs no registry. The schemas shipped are acyclic; a cyclic one raises ``CyclicReference`` so
the caller can fall back to validating through the registry.
"""

from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

# Values that are data, not subschemas: a "$ref" key inside them is not a reference.
DATA_KEYWORDS = frozenset({"enum", "const", "examples", "default", "references", "deprecation"})
# Maps of names to subschemas: their keys are property names, never keywords.
SCHEMA_MAPS = frozenset({"properties", "patternProperties", "dependencies"})
# Only needed while references are unresolved; dropped from the inlined copy.
RESOLUTION_KEYWORDS = frozenset({"$id", "id", "$schema", "definitions", "$defs"})


class CyclicReference(Exception):
    """The schema refers to itself; it cannot be inlined."""


def inline_refs(schema: dict, registry: Registry) -> dict:
    """A copy of ``schema`` with every ``$ref`` replaced by the schema it names (the root keeps
    its ``$schema``, which selects the validator class)."""
    resource = Resource.from_contents(schema, default_specification=DRAFT7)
    resolver = registry.resolver_with_root(resource)
    inlined = _inline(schema, resolver, (id(schema),))
    if "$schema" in schema:
        inlined["$schema"] = schema["$schema"]
    return inlined


def _inline(node, resolver, trail: tuple):
    if isinstance(node, list):
        return [_inline(item, resolver, trail) for item in node]
    if not isinstance(node, dict):
        return node
    if isinstance(node.get("$ref"), str):
        # Siblings of "$ref" are ignored by draft-04 and draft-07 alike: the target replaces it.
        resolved = resolver.lookup(node["$ref"])
        if id(resolved.contents) in trail:
            raise CyclicReference(f"$ref {node['$ref']!r} refers back to a schema that contains it")
        return _inline(resolved.contents, resolved.resolver, trail + (id(resolved.contents),))
    if isinstance(node.get("$id", node.get("id")), str):
        # A nested "$id" moves the base URI its relative references resolve against.
        resolver = resolver.in_subresource(Resource.from_contents(node, default_specification=DRAFT7))
    inlined = {}
    for key, value in node.items():
        if key in RESOLUTION_KEYWORDS and not (key == "id" and not isinstance(value, str)):
            continue
        if key in DATA_KEYWORDS:
            inlined[key] = value
        elif key in SCHEMA_MAPS and isinstance(value, dict):
            inlined[key] = {name: _inline(sub, resolver, trail) for name, sub in value.items()}
        else:
            inlined[key] = _inline(value, resolver, trail)
    return inlined
