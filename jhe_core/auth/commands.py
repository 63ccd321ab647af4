"""``jhe client create|list|delete`` and ``jhe token``: OAuth2 administration from the shell."""

import json

import click

from jhe_core import models as m
from jhe_core.auth import clients
from jhe_core.auth.tokens import SCOPES, issue_tokens
from jhe_core.cli import pass_context
from jhe_core.errors import BadRequest, NotFound


@click.group("client")
def client_group():
    """Manage OAuth2 clients (applications that obtain tokens)."""


@client_group.command("create")
@click.argument("client_id")
@click.option("--name", default="", help="Display name (default: the client id).")
@click.option("--type", "client_type", type=click.Choice(clients.CLIENT_TYPES), default="public", show_default=True,
              help="public (browser or mobile app, PKCE) or confidential (has a secret).")
@click.option("--redirect-uri", "redirect_uris", multiple=True,
              help="Allowed redirect URI; repeat for several. A path (/portal/callback) means this server.")
@click.option("--grant-type", "grant_types", multiple=True, type=click.Choice(clients.GRANT_TYPES),
              help="Allowed grant; repeat for several (default: authorization_code, refresh_token, "
                   "and client_credentials for confidential clients).")
@click.option("--consent/--no-consent", default=False, show_default=True,
              help="Ask users to approve the client (third-party apps); first-party apps skip it.")
@pass_context
def client_create(obj, client_id, name, client_type, redirect_uris, grant_types, consent):
    """Register a client. A confidential client's secret is printed once."""
    exchange = obj.exchange()
    with exchange.db.connection_context():
        client, secret = clients.create_client(client_id, name=name, client_type=client_type,
                                               redirect_uris=redirect_uris, grant_types=grant_types,
                                               skip_authorization=not consent)
    click.echo(f"created {client.client_type} client {client.client_id}")
    click.echo(f"grant types: {client.grant_types}")
    if client.redirect_uris:
        click.echo(f"redirect URIs: {client.redirect_uris}")
    if secret:
        click.echo(f"client secret (shown once, store it now): {secret}")


@client_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_context
def client_list(obj, as_json):
    """List registered clients."""
    exchange = obj.exchange()
    with exchange.db.connection_context():
        rows = [{"client_id": c.client_id, "name": c.name, "type": c.client_type,
                 "grant_types": c.grant_type_list, "redirect_uris": c.redirect_uri_list,
                 "consent": not c.skip_authorization} for c in clients.list_clients()]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(f"{row['client_id']:<24} {row['type']:<13} {','.join(row['grant_types']):<45} "
                   f"{' '.join(row['redirect_uris'])}")


@client_group.command("delete")
@click.argument("client_id")
@pass_context
def client_delete(obj, client_id):
    """Delete a client and every code and token issued to it."""
    exchange = obj.exchange()
    with exchange.db.connection_context():
        clients.delete_client(client_id)
    click.echo(f"deleted client {client_id}")


@click.command("token")
@click.option("--user", "email", required=True, help="Email of the user the token acts for.")
@click.option("--scope", "scopes", multiple=True, help="Scope; repeat for several (default: read write).")
@click.option("--client", "client_id", default="jhe-cli", show_default=True,
              help="Client the token is issued to (if registered).")
@pass_context
def token_command(obj, email, scopes, client_id):
    """Print an access token for a user (for scripts and notebooks)."""
    scopes = [s for scope in (scopes or ("read", "write")) for s in scope.split()]
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise BadRequest(f"Unknown scope {unknown[0]!r}; use {', '.join(SCOPES)}.")
    exchange = obj.exchange()
    with exchange.db.connection_context():
        user = m.User.get_or_none(m.User.email == email.strip().lower())
        if user is None or not user.is_active:
            raise NotFound(f"No active user with email {email.strip().lower()}.")
        client = clients.get_client(client_id)
        body = issue_tokens(exchange.config, user=user, client=client, scopes=scopes, refresh=False)
    click.echo(body["access_token"])


def add_commands(cli) -> None:
    cli.add_command(client_group)
    cli.add_command(token_command)
