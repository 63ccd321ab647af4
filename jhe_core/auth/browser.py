"""The browser side of the authorization server: ``/o/authorize``, ``/o/login``, ``/o/logout``.

Flow: GET /o/authorize without a session shows the sign-in form (posting to /o/login with the
authorization request as ``next``); a successful sign-in sets the session cookie and sends the
browser back to /o/authorize, which redirects to the client's redirect URI with ``code`` and
``state`` (first-party clients) or asks for consent first (others).

Errors follow RFC 6749 4.1.2.1: an unknown client or a redirect URI that is missing, malformed
or not registered is shown on an error page (never redirected to); any other problem is sent to
the (valid) redirect URI as ``error`` / ``error_description`` / ``state``.
"""

import falcon
from oauthlib.common import add_params_to_uri
from oauthlib.oauth2.rfc6749 import errors

from jhe_core.auth import logins, pages, sessions
from jhe_core.auth.server import OAuthServer
from jhe_core.auth.web import (FormError, insecure, oauth_headers, oauth_uri, read_form, request_context,
                               safe_next)
from jhe_core.errors import TooManyRequests

HTTPS_REQUIRED = "This server only accepts HTTPS connections for sign-in and tokens."


def posted_form(req, resp) -> dict | None:
    """The form a browser posted, or None after showing the page that explains why not
    (plain HTTP where HTTPS is required, or a malformed body)."""
    if insecure(req.context.exchange, req):
        pages.error_page(resp, "HTTPS required", HTTPS_REQUIRED)
        return None
    try:
        return read_form(req)
    except FormError as exc:
        pages.error_page(resp, "Bad request", exc.message, exc.status)
        return None


def redirect(resp, location: str, status: int = 302) -> None:
    resp.status = falcon.code_to_http_status(status)
    resp.set_header("Location", location)
    resp.set_header("Cache-Control", "no-store")


class AuthorizeResource:
    auth = "public"

    def on_get(self, req, resp):
        exchange = req.context.exchange
        if insecure(exchange, req):
            return pages.error_page(resp, "HTTPS required", HTTPS_REQUIRED)
        self.answer(req, resp, req.query_string, decision=None)

    def on_post(self, req, resp):
        """The consent form's answer."""
        exchange = req.context.exchange
        form = posted_form(req, resp)
        if form is None:
            return
        if not sessions.csrf_valid(exchange, req, form.get("csrf_token")):
            return pages.error_page(resp, "Form expired", "The form has expired; go back and try again.", 403)
        self.answer(req, resp, form.get("request", ""), decision=form.get("allow") == "yes")

    def answer(self, req, resp, query: str, decision: bool | None):
        exchange = req.context.exchange
        server = OAuthServer(request_context(exchange, req))
        uri, headers = oauth_uri(exchange, req, query), oauth_headers(req)
        try:
            scopes, info = server.authorization.validate_authorization_request(uri, "GET", None, headers)
        except errors.FatalClientError as exc:
            return pages.error_page(resp, "Authorization failed", describe(exc), exc.status_code)
        except errors.OAuth2Error as exc:
            if not exc.redirect_uri:
                return pages.error_page(resp, "Authorization failed", describe(exc), exc.status_code)
            return redirect(resp, exc.in_uri(exc.redirect_uri))
        except ValueError:
            return pages.error_page(resp, "Authorization failed", "The authorization request is malformed.")
        oauth_request = info["request"]
        user = sessions.session_user(exchange, req)
        if user is None:
            if oauth_request.prompt == "none":
                return redirect(resp, error_uri(oauth_request, "login_required", "The user is not signed in."))
            next_url = f"/o/authorize/?{query}" if query else "/o/authorize/"
            return pages.login_page(resp, csrf=sessions.csrf_token(exchange, req, resp), next_url=next_url)
        client = oauth_request.client
        if decision is None and not client.skip_authorization:
            if oauth_request.prompt == "none":
                return redirect(resp, error_uri(oauth_request, "consent_required", "The user has not consented."))
            return pages.consent_page(resp, csrf=sessions.csrf_token(exchange, req, resp), client_name=client.name,
                                      scopes=scopes, query=query, email=user.email)
        if decision is False:
            return redirect(resp, error_uri(oauth_request, "access_denied", "The user denied the request."))
        headers_out, _, status = server.authorization.create_authorization_response(
            uri, "GET", None, headers, scopes=scopes, credentials={"user": user})
        redirect(resp, headers_out["Location"], status)


FATAL_MESSAGES = (
    (errors.MissingClientIdError, "The request names no client_id."),
    (errors.InvalidClientIdError, "Unknown client: no application is registered with this client_id."),
    (errors.MismatchingRedirectURIError, "The redirect_uri is not registered for this client."),
    (errors.InvalidRedirectURIError, "The redirect_uri must be an absolute URI."),
    (errors.MissingRedirectURIError, "The request names no redirect_uri and the client has no single default one."),
)


def describe(exc: errors.OAuth2Error) -> str:
    detail = next((text for kind, text in FATAL_MESSAGES if isinstance(exc, kind)), None)
    return f"{detail or exc.description or exc.error} ({exc.error})"


def error_uri(oauth_request, error: str, description: str) -> str:
    params = [("error", error), ("error_description", description)]
    if oauth_request.state:
        params.append(("state", oauth_request.state))
    return add_params_to_uri(oauth_request.redirect_uri, params)


class LoginResource:
    auth = "public"

    def on_get(self, req, resp):
        exchange = req.context.exchange
        if insecure(exchange, req):
            return pages.error_page(resp, "HTTPS required", HTTPS_REQUIRED)
        next_url = safe_next(exchange, req, req.get_param("next"), "")
        user = sessions.session_user(exchange, req)
        if user is not None and not next_url:
            return pages.message_page(resp, "Signed in", f"You are signed in as {user.email}.",
                                      link=("/o/logout/", "Sign out"))
        pages.login_page(resp, csrf=sessions.csrf_token(exchange, req, resp), next_url=next_url)

    def on_post(self, req, resp):
        exchange = req.context.exchange
        form = posted_form(req, resp)
        if form is None:
            return
        next_url = safe_next(exchange, req, form.get("next"), "")
        email = form.get("username", "").strip()

        def again(error, status):
            pages.login_page(resp, csrf=sessions.csrf_token(exchange, req, resp), next_url=next_url, email=email,
                             error=error, status=status)

        if not sessions.csrf_valid(exchange, req, form.get("csrf_token")):
            return again("The form has expired; please sign in again.", 403)
        try:
            user = logins.authenticate(exchange.config, email, form.get("password", ""), req.remote_addr)
        except TooManyRequests as exc:
            again(exc.message, 429)
            resp.set_header("Retry-After", exc.headers["Retry-After"])
            return
        if user is None:
            return again("Please enter a correct email and password.", 400)
        sessions.start_session(exchange, req, resp, user)
        redirect(resp, next_url or "/o/login/", 303)


class LogoutResource:
    auth = "public"

    def on_get(self, req, resp):
        self.sign_out(req, resp, req.get_param("next") or req.get_param("post_logout_redirect_uri"))

    def on_post(self, req, resp):
        try:
            form = read_form(req)
        except FormError:
            form = {}
        self.sign_out(req, resp, form.get("next") or req.get_param("next"))

    def sign_out(self, req, resp, requested):
        sessions.end_session(req, resp)
        next_url = safe_next(req.context.exchange, req, requested, "")
        if next_url:
            return redirect(resp, next_url, 303)
        pages.message_page(resp, "Signed out", "You are signed out.", link=("/o/login/", "Sign in again"))
