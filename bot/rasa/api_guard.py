"""Rasa's HTTP API is started only with authentication, and its token never on a command line.

Why: with ``--enable-api`` and no ``--auth-token``/``--jwt-secret``, anyone who reaches Rasa's
port can replace the model (``POST /model/train`` then ``PUT /model``), read every conversation
and inject bot messages into it. ``bot.rasa.server`` passes Rasa's arguments through ``arguments``:

- without ``--enable-api`` nothing changes (the API does not exist);
- with it and ``RUTA_API_TOKEN`` in the environment, ``--auth-token`` is added inside the
  process, so the token is not in ``ps`` output or ``/proc/<pid>/cmdline`` for other local users;
- with it and no authentication at all, Rasa is not started: ``SystemExit`` says what to set.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

TOKEN_ENV = "RUTA_API_TOKEN"
_AUTH_OPTIONS = ("--auth-token", "--jwt-secret", "--jwt-private-key")


def arguments(argv: Sequence[str], environ: Mapping[str, str]) -> list[str]:
    """Rasa's command-line arguments with the API token added from the environment when needed."""
    args = list(argv)
    if "--enable-api" not in args:
        return args
    if any(a == option or a.startswith(option + "=") for a in args for option in _AUTH_OPTIONS):
        return args
    token = environ.get(TOKEN_ENV, "").strip()
    if token:
        return [*args, "--auth-token", token]
    raise SystemExit(
        "Refusing to start Rasa's HTTP API without authentication: it can replace the model and read "
        f"every conversation. Set {TOKEN_ENV} (staff then call it with ?token=...), or leave --enable-api out."
    )
