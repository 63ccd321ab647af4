"""``jhe serve``: prepare the data directory and database, then run gunicorn with threaded
workers (keep-alive, several requests in flight per worker). Each worker builds its own app
after the fork, so no database connection is shared between processes."""

import logging

import click

from jhe_core.app import build_exchange, create_app


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
        exchange.db.close_all()  # no pooled connection may be inherited by the forked workers
    return config


def run(ctx):
    from gunicorn.app.base import BaseApplication

    config = prepare(ctx)
    server = config.data["server"]

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{server['host']}:{server['port']}")
            self.cfg.set("workers", server["workers"])
            self.cfg.set("threads", server["threads"])
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("keepalive", 5)
            self.cfg.set("accesslog", "-")
            self.cfg.set("graceful_timeout", 10)

        def load(self):
            return create_app(config, migrate=False)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    click.echo(f"jhe listening on http://{server['host']}:{server['port']} "
               f"({server['workers']} workers x {server['threads']} threads)")
    Server().run()
