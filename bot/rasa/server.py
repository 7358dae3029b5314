"""Start Rasa (``python -m bot.rasa.server run …``, same arguments as ``rasa``) with one speed fix.

Why: for every reply from the action server, Rasa 3.6 calls ``jsonschema.validate`` with its
response schema, and that function re-checks the (large, event-by-event) schema itself before
validating the reply: about 24 ms of CPU per action call, two or more calls per message, which
made Ruta's Rasa process spend twice the CPU per message of a bare ``rasa init`` bot
(``make bench``). Here the validator is built once and reused; the validation itself, and the
error Rasa raises for an invalid reply, are unchanged. Nothing else of Rasa is touched.
"""

from __future__ import annotations

from typing import Any, Dict


def install() -> None:
    """Replace RemoteAction's response validation with a cached validator (idempotent)."""
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import DOCS_BASE_URL, RemoteAction

    if getattr(RemoteAction._validate_action_result, "ruta_cached", False):
        return
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)

    def validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
        error = best_match(validator.iter_errors(result))
        if error is None:
            return True
        assert isinstance(error, ValidationError)
        error.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error

    validate_action_result.ruta_cached = True  # type: ignore[attr-defined]
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]


def main() -> None:
    import os
    import sys

    from bot import logcap
    from bot.rasa import api_guard

    install()
    logcap.install()  # no log line carries a whole message, whoever logs it
    sys.argv[1:] = api_guard.arguments(sys.argv[1:], os.environ)  # the API only with a token
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
