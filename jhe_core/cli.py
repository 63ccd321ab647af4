"""The ``jhe`` command line. Plugins add commands through ``register_commands``.

User mistakes end in one line on stderr and a non-zero exit, never a traceback.
"""

import json
import sys

import click

from jhe_core import __version__
from jhe_core.config import load_config
from jhe_core.errors import JHEError


class Context:
    """What ``--config`` selects; the exchange is built on first use."""

    def __init__(self, config_path=None, overrides=None):
        self.config_path = config_path
        self.overrides = overrides or {}
        self._exchange = None

    def config(self):
        return load_config(self.config_path, self.overrides)

    def exchange(self, migrate=True):
        if self._exchange is None:
            from jhe_core.app import build_exchange
            self._exchange = build_exchange(self.config(), migrate=migrate)
        return self._exchange


pass_context = click.make_pass_decorator(Context, ensure=True)


class JHEGroup(click.Group):
    """Turns the project's own errors into one clear line and exit code 1."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except JHEError as exc:
            raise click.ClickException(exc.message) from None


@click.group(cls=JHEGroup)
@click.version_option(__version__, prog_name="jhe")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="JHE_CONFIG",
              help="Path to jhe.toml (default: $JHE_CONFIG).")
@click.pass_context
def cli(ctx, config_path):
    """jhe: a plugin-based FHIR R5 server for mobile-health research."""
    ctx.obj = Context(config_path)


@cli.command()
@pass_context
def init(obj):
    """Create the data directory, keys and database (safe to repeat)."""
    exchange = obj.exchange()
    exchange.hook.startup(exchange=exchange)  # plugins create their first-run files (keys)
    click.echo(f"initialised {exchange.config.data_dir} with database {exchange.config.masked()['database_url'] or 'sqlite'}")


@cli.command()
@pass_context
def migrate(obj):
    """Apply pending database migrations (core and plugins)."""
    from jhe_core import migrations
    from jhe_core.app import build_exchange, plugin_migrations
    exchange = build_exchange(obj.config(), migrate=False)
    with exchange.db.connection_context():
        applied = migrations.migrate(exchange.db, exchange.services["plugin_models"], plugin_migrations(exchange.pm))
        version = migrations.current_version(exchange.db)
    done = ", ".join(f"{component} {versions}" for component, versions in applied.items() if versions)
    click.echo(f"applied: {done}" if done else "nothing to migrate")
    click.echo(f"core schema version {version}")


@cli.command()
@click.option("--demo", is_flag=True, required=True, help="Load the guides' demo data.")
@click.option("--password", default=None, help="Password for the demo practitioners.")
@pass_context
def seed(obj, demo, password):
    """Load demo data (idempotent)."""
    from jhe_core.seed import DEMO_PASSWORD, seed_demo
    exchange = obj.exchange()
    with exchange.db.connection_context():
        created = seed_demo(password or DEMO_PASSWORD, exchange=exchange)
    summary = ", ".join(f"{count} {what}" for what, count in created.items())
    click.echo(f"demo data ready (created: {summary})")
    click.echo(f"demo practitioners log in with password: {password or DEMO_PASSWORD}")


@cli.group()
def user():
    """Manage user accounts."""


@user.command("create")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--first-name", default="")
@click.option("--last-name", default="")
@click.option("--superuser", is_flag=True, help="Grant every permission.")
@pass_context
def user_create(obj, email, password, first_name, last_name, superuser):
    """Create a practitioner account."""
    from jhe_core.services import accounts
    exchange = obj.exchange()
    with exchange.db.connection_context():
        account = accounts.create_practitioner_user(email, password, first_name, last_name, superuser=superuser)
    click.echo(f"created user {account.id} {account.email}{' (superuser)' if superuser else ''}")


@user.command("password")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@pass_context
def user_password(obj, email, password):
    """Set a user's password."""
    from jhe_core.services import accounts
    exchange = obj.exchange()
    with exchange.db.connection_context():
        accounts.set_password(email, password)
    click.echo(f"password changed for {email.lower()}")


@cli.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_context
def plugins_command(obj, as_json):
    """List loaded plugins, their versions and hooks."""
    exchange = obj.exchange(migrate=False)
    rows = []
    for name, info in exchange.plugins.items():
        plugin = exchange.pm.get_plugin(name)
        hooks = sorted(impl.name for impl in exchange.pm.get_hookcallers(plugin) or [])
        rows.append({"name": name, "version": info.version, "source": info.source, "hooks": hooks})
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(f"{row['name']:<20} {row['version']:<10} {row['source']:<12} {', '.join(row['hooks'])}")


@cli.command()
@pass_context
def routes(obj):
    """List the HTTP routes and the plugin serving each."""
    exchange = obj.exchange(migrate=False)
    for path, (plugin_name, route) in sorted(exchange.routes.items()):
        click.echo(f"{path:<55} {','.join(route_methods(route)):<24} {plugin_name}")


def route_methods(route) -> list[str]:
    """The HTTP methods a route's resource answers (``on_get``, or ``on_get_<suffix>``)."""
    ending = f"_{route.suffix}" if route.suffix else ""
    methods = ("get", "post", "put", "patch", "delete", "head", "options")
    return [m.upper() for m in methods if hasattr(route.resource, f"on_{m}{ending}")]


@cli.command("config")
@pass_context
def config_command(obj):
    """Print the effective configuration, secrets masked."""
    exchange = obj.exchange(migrate=False)
    click.echo(json.dumps(exchange.config.masked(), indent=2, sort_keys=True, default=str))


@cli.command()
@click.option("--host", default=None, help="Address to listen on (config server.host).")
@click.option("--port", type=int, default=None, help="Port (config server.port).")
@click.option("--workers", type=int, default=None, help="Worker processes (config server.workers).")
@click.option("--threads", type=int, default=None, help="Threads per worker (config server.threads).")
@click.option("--access-log/--no-access-log", default=None,
              help="Log every request (config server.access_log; off by default).")
@click.option("--demo", is_flag=True, help="Load demo data when the database is empty.")
@pass_context
def serve(obj, host, port, workers, threads, access_log, demo):
    """Run the server (config server.engine: granian or gunicorn). Creates data, keys and
    database on first run."""
    from jhe_core.server import run
    server = {k: v for k, v in {"host": host, "port": port, "workers": workers, "threads": threads,
                                "access_log": access_log}.items() if v is not None}
    if server:
        obj.overrides = {"server": server}
    if demo:
        obj.overrides["demo"] = True
    run(obj)


@cli.group("plugin")
def plugin_group():
    """Write new plugins."""


@plugin_group.command("new")
@click.argument("name")
@click.option("--directory", default=".", show_default=True, type=click.Path(file_okay=False),
              help="Where to create the jhe-NAME folder.")
def plugin_new(name, directory):
    """Write a minimal working plugin distribution jhe-NAME (entry point, one hook, one test)."""
    from jhe_core.scaffold import ScaffoldError, write_plugin
    try:
        root = write_plugin(name, directory)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {root}")
    click.echo(f"next: pip install -e {root} && jhe plugins && (cd {root} && pytest)")


_plugin_commands_loaded = []


def load_plugin_commands(config_path=None):
    """Let plugins add commands (once); a broken config must not hide the core's commands."""
    from jhe_core.plugins import call_each, make_plugin_manager
    if _plugin_commands_loaded:
        return
    _plugin_commands_loaded.append(True)
    try:
        config = load_config(config_path)
        pm, _ = make_plugin_manager(config)
    except JHEError:
        return
    call_each(pm, "register_commands", cli=cli)


def _config_path_from_argv():
    argv = sys.argv[1:]
    for i, arg in enumerate(argv):
        if arg == "--config" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--config="):
            return arg.split("=", 1)[1]
    return None


def main():
    load_plugin_commands(_config_path_from_argv())
    cli(prog_name="jhe")
