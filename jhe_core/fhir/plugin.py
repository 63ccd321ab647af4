"""Core plugin ``core.fhir``: the FHIR R5 API at ``/fhir/r5`` and ``/FHIR/R5``.

Serves Observation and Patient (other plugins add types through
``register_fhir_resource_types``), batch/transaction Bundles at the base, the
CapabilityStatement and SMART configuration, and renders every error under the FHIR prefixes
as an OperationOutcome.
"""

from jhe_core import Route, hookimpl
from jhe_core.fhir import observation, patient
from jhe_core.fhir.bundle import BundleResource
from jhe_core.fhir.dispatch import TypeCollection, TypeHistory, TypeItem, TypeSearch
from jhe_core.fhir.metadata import MetadataResource, SmartConfigurationResource
from jhe_core.fhir.outcome import PREFIXES, fhir_prefix, operation_outcome


@hookimpl
def register_routes(exchange):
    bundle, metadata, smart = BundleResource(exchange), MetadataResource(exchange), SmartConfigurationResource()
    collection, search, item, history = (TypeCollection(exchange), TypeSearch(exchange), TypeItem(exchange),
                                         TypeHistory(exchange))
    routes = []
    for prefix in PREFIXES:
        routes += [
            Route(prefix, bundle),
            Route(f"{prefix}/metadata", metadata),
            Route(f"{prefix}/.well-known/smart-configuration", smart),
            Route(f"{prefix}/{{type}}", collection),
            Route(f"{prefix}/{{type}}/_search", search),
            Route(f"{prefix}/{{type}}/{{id}}", item),
            Route(f"{prefix}/{{type}}/{{id}}/_history/{{vid}}", history),
        ]
    return routes


@hookimpl
def register_fhir_resource_types(exchange):
    return [observation.resource_type(), patient.resource_type()]


@hookimpl
def handle_exception(exchange, request, error):
    if fhir_prefix(request.path) is None:
        return None
    return error.status, operation_outcome(error)
