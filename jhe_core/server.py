"""``jhe serve``: prepare the data directory and database, then run the WSGI server.

Two engines (``server.engine``): ``granian`` (the default: an HTTP server written in Rust that
calls the WSGI app from a pool of threads; about twice gunicorn's requests per core here, see
docs/performance.md) and ``gunicorn`` (threaded ``gthread`` workers). Either way each worker
process builds its own app, so no database connection is shared between processes.
"""

import json
import logging
import os

import click

from jhe_core.app import build_exchange, create_app
from jhe_core.config import load_config

# How the master tells granian's worker processes which config to load: the same layers it
# used (file path and command-line overrides; secrets stay in the environment they came from).
SERVE_SETTINGS_ENV = "JHE_SERVE_SETTINGS"


def worker_app():
    """The app of one granian worker (``jhe_core.server:worker_app``, a factory)."""
    settings = json.loads(os.environ[SERVE_SETTINGS_ENV])
    return create_app(load_config(settings["config_path"], settings["overrides"]), migrate=False)


def prepare(ctx) -> object:
    """First-run work, done once in the master: data dir, keys, migrations, demo data."""
    config = ctx.config()
    config.data_dir.mkdir(parents=True, exist_ok=True)
    exchange = build_exchange(config, migrate=True)
    exchange.hook.startup(exchange=exchange)  # creates keys and other first-run files
    if config.get("demo"):
        from jhe_core.seed import DEMO_PASSWORD, is_empty, seed_demo
        with exchange.db.connection_context():
            if is_empty():
                seed_demo(exchange=exchange)
                click.echo(f"loaded demo data; practitioner@example.com / {DEMO_PASSWORD}")
    exchange.db.close()
    if hasattr(exchange.db, "close_all"):
        exchange.db.close_all()  # no idle connection may be inherited by the forked workers
    return config


def run(ctx):
    config = prepare(ctx)
    server = config.data["server"]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    click.echo(f"jhe listening on http://{server['host']}:{server['port']} ({server['engine']}: "
               f"{server['workers']} workers x {server['threads']} threads)")
    if server["engine"] == "granian":
        run_granian(ctx, server)
    else:
        run_gunicorn(config, server)


def run_granian(ctx, server):
    from granian import Granian
    from granian.constants import Interfaces

    os.environ[SERVE_SETTINGS_ENV] = json.dumps({"config_path": ctx.config_path, "overrides": ctx.overrides})
    Granian("jhe_core.server:worker_app", factory=True, interface=Interfaces.WSGI,
            address=server["host"], port=server["port"], workers=server["workers"],
            blocking_threads=server["threads"], websockets=False, log_access=server["access_log"],
            respawn_failed_workers=True, workers_kill_timeout=10).serve()


def run_gunicorn(config, server):
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{server['host']}:{server['port']}")
            self.cfg.set("workers", server["workers"])
            self.cfg.set("threads", server["threads"])
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("keepalive", 5)
            self.cfg.set("accesslog", "-" if server["access_log"] else None)
            self.cfg.set("graceful_timeout", 10)

        def load(self):
            return create_app(config, migrate=False)

    Server().run()
