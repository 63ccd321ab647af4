"""``GET /api/v1/patients/{id}/invitation_link[?send_email=true]``."""

from jhe_core.http import query_bool, send_json
from jhe_core.services.onboarding import invite_patient


class InvitationLinkResource:
    def __init__(self, exchange):
        self.exchange = exchange

    def on_get(self, req, resp, id):
        settings = self.exchange.plugin_config("commonhealth")
        answer = invite_patient(self.exchange, req.context.actor, id,
                                base_url=self.exchange.base_url(req),
                                send_email=query_bool(req, "send_email"),
                                lifetime=settings["code_lifetime"])
        send_json(resp, answer)
