"""``GET {base}/metadata`` (CapabilityStatement) and ``GET {base}/.well-known/smart-configuration``.

Both are public and generated: the resource list from the registry of served types
(``register_fhir_resource_types``), the URLs from the request's scheme and host.
"""

import datetime

from jhe_core import __version__
from jhe_core.fhir.outcome import FHIR_JSON, fhir_base, send_fhir, server_root
from jhe_core.http import public

SMART_OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"
SCOPES = ["openid", "read", "write"]


def _resource_entry(resource_type) -> dict:
    entry = {"type": resource_type.name,
             "interaction": [{"code": code} for code in resource_type.interactions],
             "versioning": "versioned",
             "readHistory": False,
             "updateCreate": False}
    if resource_type.documentation:
        entry["documentation"] = resource_type.documentation
    if "create" in resource_type.interactions:
        entry["conditionalCreate"] = bool(resource_type.conditional_create)
    entry["searchParam"] = [
        {"name": param.name, "type": param.type, **({"documentation": param.documentation} if param.documentation else {})}
        for param in resource_type.search_params]
    return entry


def capability_statement(req, exchange, published: str) -> dict:
    root = server_root(req)
    return {
        "resourceType": "CapabilityStatement",
        "id": "jhe",
        "status": "active",
        "date": published,
        "publisher": "jhe",
        "kind": "instance",
        "software": {"name": "jhe", "version": __version__},
        "implementation": {"description": "JupyterHealth Exchange FHIR R5 API", "url": fhir_base(req)},
        "fhirVersion": "5.0.0",
        "format": [FHIR_JSON, "json"],
        "rest": [{
            "mode": "server",
            "security": {
                "cors": True,
                "service": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                         "code": "SMART-on-FHIR"}]}],
                "description": "OAuth2 bearer tokens from this server's /o/ endpoints.",
                "extension": [{"url": SMART_OAUTH_URIS, "extension": [
                    {"url": "authorize", "valueUri": f"{root}/o/authorize"},
                    {"url": "token", "valueUri": f"{root}/o/token"},
                ]}],
            },
            "resource": [_resource_entry(exchange.fhir_types[name]) for name in sorted(exchange.fhir_types)],
            "interaction": [{"code": "batch"}, {"code": "transaction"}],
        }],
    }


def smart_configuration(req) -> dict:
    root = server_root(req)
    return {
        "authorization_endpoint": f"{root}/o/authorize",
        "token_endpoint": f"{root}/o/token",
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "response_types_supported": ["code"],
        "scopes_supported": SCOPES,
        "code_challenge_methods_supported": ["S256"],
        "capabilities": ["launch-standalone", "client-public", "client-confidential-symmetric",
                         "context-standalone-patient", "permission-patient", "permission-user"],
    }


@public
class MetadataResource:
    def __init__(self, exchange):
        self.exchange = exchange
        self.published = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()

    def on_get(self, req, resp):
        send_fhir(req, resp, capability_statement(req, self.exchange, self.published))


@public
class SmartConfigurationResource:
    def on_get(self, req, resp):
        resp.set_header("Cache-Control", "public, max-age=3600")
        send_fhir(req, resp, smart_configuration(req))
        resp.content_type = "application/json"
