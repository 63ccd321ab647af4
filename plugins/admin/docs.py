"""The OpenAPI document (``/api/v1/schema``, also ``/api/schema``) and the Swagger UI and
ReDoc pages that render it, with their scripts served from this package (no CDN)."""

import json
from importlib import resources

import falcon
import yaml

from jhe_core.http import public

from jhe_plugins.admin.openapi import build_document

STATIC = resources.files("jhe_plugins.admin") / "static"
# asset name in the URL -> (file under static/, content type)
ASSETS = {
    "swagger-ui-bundle.js": ("swagger-ui/swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
    "swagger-ui.css": ("swagger-ui/swagger-ui.css", "text/css; charset=utf-8"),
    "swagger-init.js": ("swagger-ui/init.js", "text/javascript; charset=utf-8"),
    "redoc.standalone.js": ("redoc/redoc.standalone.js", "text/javascript; charset=utf-8"),
}
YAML_TYPE = "application/vnd.oai.openapi; charset=utf-8"

SWAGGER_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>JupyterHealth Exchange API - Swagger UI</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="{static}/swagger-ui.css"></head>
<body><div id="swagger-ui" data-spec-url="{spec}"></div>
<script src="{static}/swagger-ui-bundle.js"></script>
<script src="{static}/swagger-init.js"></script></body></html>
"""

REDOC_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>JupyterHealth Exchange API - ReDoc</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body {{ margin: 0; padding: 0; }}</style></head>
<body><redoc spec-url="{spec}"></redoc>
<script src="{static}/redoc.standalone.js"></script></body></html>
"""


def wants_json(req) -> bool:
    """JSON for ``?format=json`` or an Accept header asking for JSON; YAML otherwise (the
    guide saves the document as ``.yaml``)."""
    requested = (req.get_param("format") or "").lower()
    if requested in ("json", "openapi-json"):
        return True
    if requested in ("yaml", "openapi"):
        return False
    accept = (req.get_header("Accept") or "").lower()
    return "json" in accept and "yaml" not in accept


@public
class SchemaResource:
    def __init__(self, endpoints):
        self.endpoints = endpoints

    def on_get(self, req, resp):
        document = build_document(self.endpoints, req.context.exchange.base_url(req))
        if wants_json(req):
            resp.content_type = "application/json"
            resp.text = json.dumps(document, indent=1)
        else:
            resp.content_type = YAML_TYPE
            resp.text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


@public
class DocsPageResource:
    def __init__(self, template: str):
        self.template = template

    def on_get(self, req, resp):
        base = req.context.exchange.base_url(req)
        resp.content_type = "text/html; charset=utf-8"
        resp.text = self.template.format(static=f"{base}/api/v1/schema/static", spec=f"{base}/api/v1/schema?format=json")


@public
class StaticAssetResource:
    def on_get(self, req, resp, asset):
        if asset not in ASSETS:
            raise falcon.HTTPNotFound(description=f"No asset named {asset}.")
        path, content_type = ASSETS[asset]
        resp.content_type = content_type
        resp.data = (STATIC / path).read_bytes()
        resp.cache_control = ["public", "max-age=86400"]
