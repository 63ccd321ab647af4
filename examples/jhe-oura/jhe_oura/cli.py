"""``jhe oura import FILE --patient ID --as EMAIL``: the route's work, from a file.

The import runs with the permissions of the account named by ``--as``, exactly as if that user
had posted the file to the import route.
"""

import json

import click

from jhe_core import JHEError
from jhe_core import models as m
from jhe_core.actors import Actor

from jhe_oura.importer import import_payload


@click.group("oura")
def oura_group():
    """Oura Ring data: import exports of the Oura API."""


@oura_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--patient", "patient_id", type=int, required=True, help="The patient the data belongs to.")
@click.option("--as", "email", required=True, help="The account the import is made as (its permissions apply).")
@click.pass_context
def import_command(ctx, file, patient_id, email):
    """Import heart rate and daily activity from an Oura export (JSON) for one patient."""
    try:
        with open(file, encoding="utf-8") as handle:
            payload = json.load(handle)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise click.ClickException(f"{file} is not a JSON file: {exc}") from None
    # The root `jhe` group puts its Context (config, exchange) on the click context.
    exchange = ctx.find_root().obj.exchange()
    with exchange.db.connection_context():
        user = m.User.get_or_none(m.User.email == email.strip().lower())
        if user is None or not user.is_active:
            raise click.ClickException(f"no active account {email!r}")
        try:
            report = import_payload(exchange, Actor(user=user), patient_id, payload)
        except JHEError as exc:
            raise click.ClickException(exc.message) from None
    click.echo(f"Patient/{patient_id}: {report.created} created, {report.unchanged} unchanged "
               f"({len(report.records)} records, data source {report.data_source_id})")
