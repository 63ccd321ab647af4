"""The registry of served FHIR resource types (``register_fhir_resource_types``)."""

from dataclasses import dataclass, field


@dataclass
class SearchParam:
    name: str
    type: str  # token, reference, date, string, number, uri, special
    documentation: str = ""


@dataclass
class ResourceType:
    """A FHIR type served under the FHIR bases: its interactions (``read``, ``vread``,
    ``search-type``, ``create``...), search parameters, and the objects answering them.

    ``collection_resource`` answers ``on_get(req, resp)`` (search), ``on_post(req, resp)``
    (create) and ``on_post_search(req, resp)`` (``POST {type}/_search``);
    ``item_resource`` answers ``on_get(req, resp, id, vid=None)``. A missing responder or an
    interaction not listed answers 405. The CapabilityStatement is generated from these."""

    name: str
    interactions: tuple = ("read", "search-type")
    search_params: list = field(default_factory=list)
    item_resource: object = None  # serves {base}/{type}/{id}
    collection_resource: object = None  # serves {base}/{type} and {base}/{type}/_search
    documentation: str = ""
    conditional_create: bool = False  # honours If-None-Exist on create
