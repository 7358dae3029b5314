"""Ruta's action server: rasa-sdk's own Sanic app, on loopback, with a shared token, without secrets.

``python -m bot.rasa.action_server --actions actions --port 5055`` (the same arguments as
``python -m rasa_sdk``). Why not rasa-sdk's own command: it listens on every interface
(``0.0.0.0``) and runs any action with whatever slots the caller sends, so anyone who could reach
the port could make Ruta "say" anything to themselves and read the knowledge base through it; and
it inherits every secret of the environment it was started from. Here:

- it listens on ``127.0.0.1`` unless ``RUTA_ACTION_HOST`` says otherwise (``0.0.0.0`` inside a
  private container network, for instance);
- when ``RUTA_ACTION_TOKEN`` is set, ``/webhook`` and ``/actions`` answer 403 without the header
  ``X-Ruta-Action-Token`` carrying it (``bot/rasa/runtime.py`` puts the same header into Rasa's
  ``action_endpoint``; ``make serve`` makes a fresh token for every run);
- the Twilio token, pseudonym key, API token and database/Redis URLs are removed from its
  environment before any action code is imported: the actions need none of them.

It also loads the knowledge base as soon as it listens (in the background), so the first person
after a restart does not wait for it; ``GET /ready`` answers 200 once that is done (``/health``
answers as soon as it listens). Everything else (the executor, the action package,
``/health``) is rasa-sdk's, unchanged.
"""

from __future__ import annotations

import hmac
import logging
import os
import sys
import threading
from collections.abc import Sequence

from bot import logcap

HOST_ENV = "RUTA_ACTION_HOST"
TOKEN_ENV = "RUTA_ACTION_TOKEN"
TOKEN_HEADER = "X-Ruta-Action-Token"
DEFAULT_HOST = "127.0.0.1"
SECRETS_NOT_NEEDED = (
    "TWILIO_AUTH_TOKEN",
    "RUTA_PSEUDONYM_KEY",
    "RUTA_API_TOKEN",
    "RUTA_DB_URL",
    "RUTA_REDIS_URL",
)
"""What the action server must not hold: it answers from the knowledge base only."""
PROTECTED_PATHS = ("/webhook", "/actions")

logger = logging.getLogger(__name__)


def drop_secrets(environ: dict[str, str] | None = None) -> list[str]:
    """Remove the secrets the actions do not need from ``environ`` (os.environ); names removed."""
    env = os.environ if environ is None else environ
    removed = [name for name in SECRETS_NOT_NEEDED if name in env]
    for name in removed:
        del env[name]
    return removed


def token_ok(expected: str | None, given: str | None) -> bool:
    """True when no token is configured, or the given one matches (in constant time)."""
    if not expected:
        return True
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


def create_app(actions: str, cors: object = None, auto_reload: bool = False, token: str | None = None):  # noqa: ANN201
    """rasa-sdk's app for the ``actions`` package, behind the token check when ``token`` is set."""
    from rasa_sdk.endpoint import create_app as sdk_create_app
    from rasa_sdk.plugin import plugin_manager
    from sanic import response

    app = sdk_create_app(actions, cors_origins=cors, auto_reload=auto_reload)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)

    @app.middleware("request")
    async def require_token(request):  # noqa: ANN001, ANN202 - Sanic's middleware signature
        if request.path in PROTECTED_PATHS and not token_ok(token, request.headers.get(TOKEN_HEADER)):
            logger.warning("Refused an action call without the action-server token.")
            return response.json({"error": "forbidden"}, status=403)
        return None

    warmed = threading.Event()

    @app.listener("after_server_start")
    async def warm_up(app, loop):  # noqa: ANN001, ANN202 - Sanic's listener signature
        """Load the knowledge base now, in the background, rather than on the first person's message."""
        loop.run_in_executor(None, _load_knowledge_base, warmed)

    @app.get("/ready")
    async def ready(_):  # noqa: ANN001, ANN202
        """200 once the knowledge base has been loaded (or failed to load: actions then say so)."""
        done = warmed.is_set()
        return response.json({"status": "ready" if done else "loading"}, status=200 if done else 503)

    return app


def _load_knowledge_base(done: threading.Event) -> None:
    try:
        from actions import base

        store = getattr(base, "store", None)
        if callable(store):
            _ = store().kb
    except Exception:  # noqa: BLE001 - the first action reports it properly
        logger.warning("Could not load the knowledge base at start; the first action will try again.")
    finally:
        done.set()


def main(argv: Sequence[str] | None = None) -> int:
    removed = drop_secrets()
    logcap.install()
    from rasa_sdk import utils
    from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
    from rasa_sdk.endpoint import create_argument_parser, create_ssl_context

    args = create_argument_parser().parse_args(argv)
    logging.getLogger("matplotlib").setLevel(logging.WARN)
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(
        logging.getLogger(APPLICATION_ROOT_LOGGER_NAME), args.log_file, args.loglevel, args.logging_config_file
    )
    utils.update_sanic_log_level()
    if removed:
        logger.info("Not passed to the actions: %s.", ", ".join(removed))

    host = os.environ.get(HOST_ENV, "").strip() or DEFAULT_HOST
    token = os.environ.get(TOKEN_ENV, "").strip() or None
    if host not in ("127.0.0.1", "localhost", "::1") and not token:
        logger.warning(
            "The action server listens on %s without %s: anyone who reaches this port can run any action "
            "with any slots. Set %s (and the same in Rasa's environment).",
            host,
            TOKEN_ENV,
            TOKEN_ENV,
        )
    app = create_app(args.actions, cors=args.cors, auto_reload=args.auto_reload, token=token)
    ssl_context = create_ssl_context(args.ssl_certificate, args.ssl_keyfile, args.ssl_password)
    logger.info(
        "Action server on %s://%s:%s (%s)",
        "https" if ssl_context else "http",
        host,
        args.port,
        "token required" if token else "no token",
    )
    app.run(host, args.port, ssl=ssl_context, workers=utils.number_of_sanic_workers(), access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
