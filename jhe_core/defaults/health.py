"""``GET /health``: liveness and version, without authentication."""

from jhe_core import Route, __version__, hookimpl
from jhe_core.http import public, send_json


@public
class HealthResource:
    def __init__(self, exchange):
        self.exchange = exchange

    def on_get(self, req, resp):
        self.exchange.db.execute_sql("SELECT 1")
        send_json(resp, {"status": "ok", "version": __version__})


@hookimpl
def register_routes(exchange):
    return [Route("/health", HealthResource(exchange))]
