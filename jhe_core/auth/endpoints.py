"""The machine side of the authorization server: token, revocation (RFC 7009), introspection
(RFC 7662), userinfo, discovery and JWKS. Errors are RFC 6749 JSON bodies
(``{"error", "error_description"}``), 400 or 401."""

from oauthlib.oauth2.rfc6749 import errors

from jhe_core.auth import keys
from jhe_core.auth.server import OAuthServer, enabled_grant_types
from jhe_core.auth.tokens import SCOPES
from jhe_core.auth.web import (FormError, insecure, issuer, oauth_headers, oauth_uri, read_form_text,
                               request_context, send_oauth, send_oauth_error)
from jhe_core.http import send_json

HTTPS_REQUIRED = "HTTPS is required."


class _OAuthEndpoint:
    """POST-only, form-encoded, answered by one oauthlib endpoint."""

    auth = "public"
    confidential_only = False

    def endpoint(self, server: OAuthServer):
        raise NotImplementedError

    def call(self, endpoint, uri, body, headers):
        raise NotImplementedError

    def on_post(self, req, resp):
        exchange = req.context.exchange
        if insecure(exchange, req):
            return send_oauth_error(resp, 400, "invalid_request", HTTPS_REQUIRED)
        try:
            body = read_form_text(req)
        except FormError as exc:
            return send_oauth_error(resp, exc.status, "invalid_request", exc.message)
        server = OAuthServer(request_context(exchange, req, confidential_only=self.confidential_only))
        try:
            headers, body, status = self.call(self.endpoint(server), oauth_uri(exchange, req), body,
                                              oauth_headers(req))
        except errors.OAuth2Error as exc:
            headers, body, status = exc.headers, exc.json, exc.status_code
        except ValueError:
            return send_oauth_error(resp, 400, "invalid_request", "The request body could not be parsed.")
        send_oauth(resp, {"Cache-Control": "no-store", "Pragma": "no-cache", **(headers or {})}, body or "{}", status)


class TokenResource(_OAuthEndpoint):
    def endpoint(self, server):
        return server.token

    def call(self, endpoint, uri, body, headers):
        return endpoint.create_token_response(uri, "POST", body, headers)


class RevokeResource(_OAuthEndpoint):
    def endpoint(self, server):
        return server.revocation

    def call(self, endpoint, uri, body, headers):
        return endpoint.create_revocation_response(uri, "POST", body, headers)


class IntrospectResource(_OAuthEndpoint):
    confidential_only = True  # resource servers, not apps, ask whether a token is live

    def endpoint(self, server):
        return server.introspection

    def call(self, endpoint, uri, body, headers):
        return endpoint.create_introspect_response(uri, "POST", body, headers)


class UserinfoResource:
    """OpenID Connect userinfo: the signed-in user's claims. Bearer token required (any
    resource without ``auth = "public"`` gets one checked by the core); it must carry ``openid``."""

    def on_get(self, req, resp):
        self.answer(req, resp)

    def on_post(self, req, resp):
        self.answer(req, resp)

    def answer(self, req, resp):
        actor = req.context.actor
        if actor.user is None or (actor.token is not None and "openid" not in actor.scopes):
            resp.set_header("WWW-Authenticate", 'Bearer realm="jhe", error="insufficient_scope", scope="openid"')
            return send_oauth_error(resp, 403, "insufficient_scope",
                                    "The access token must be issued to a user with the openid scope.")
        user = actor.user
        name = " ".join(part for part in (user.first_name, user.last_name) if part)
        claims = {"sub": str(user.id), "email": user.email, "email_verified": False,
                  "given_name": user.first_name, "family_name": user.last_name, "name": name,
                  "preferred_username": user.email}
        resp.set_header("Cache-Control", "no-store")
        send_json(resp, claims)


class DiscoveryResource:
    auth = "public"

    def on_get(self, req, resp):
        exchange = req.context.exchange
        base = exchange.base_url(req)
        document = {
            "issuer": issuer(exchange, req),
            "authorization_endpoint": f"{base}/o/authorize/",
            "token_endpoint": f"{base}/o/token/",
            "userinfo_endpoint": f"{base}/o/userinfo/",
            "revocation_endpoint": f"{base}/o/revoke_token/",
            "introspection_endpoint": f"{base}/o/introspect/",
            "jwks_uri": f"{base}/o/.well-known/jwks.json",
            "end_session_endpoint": f"{base}/o/logout/",
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": enabled_grant_types(exchange.config),
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": list(SCOPES),
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
            "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
            "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "email",
                                 "email_verified", "given_name", "family_name", "name", "preferred_username"],
        }
        resp.set_header("Cache-Control", "public, max-age=300")
        send_json(resp, document)


class JWKSResource:
    auth = "public"

    def on_get(self, req, resp):
        resp.set_header("Cache-Control", "public, max-age=300")
        send_json(resp, keys.jwks(req.context.exchange))

