"""The registry of served FHIR resource types (``register_fhir_resource_types``)."""

from dataclasses import dataclass, field


@dataclass
class SearchParam:
    name: str
    type: str  # token, reference, date, string, number, uri, special
    documentation: str = ""


@dataclass
class ResourceType:
    """A FHIR type served under the FHIR bases: its interactions (``read``, ``search-type``,
    ``create``...), search parameters, and the Falcon resources answering them."""

    name: str
    interactions: tuple = ("read", "search-type")
    search_params: list = field(default_factory=list)
    item_resource: object = None  # serves {base}/{type}/{id}
    collection_resource: object = None  # serves {base}/{type} and {base}/{type}/_search
    documentation: str = ""
