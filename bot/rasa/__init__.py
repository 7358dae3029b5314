"""Ruta's Rasa boundary: every module of ``bot`` that imports Rasa (``rasa``, ``rasa_sdk``, ``sanic``).

Why one package: the rest of ``bot/`` is plain Python that runs and is tested without a model or
a server; what binds it to Rasa is here, in one place, so it can be read (or replaced) as one.

- ``channels/``: Ruta's REST and Twilio channels (credentials.yml names them);
- ``gazetteer_extractor``: the NLU component (config.yml) over ``bot.nlu.entities``;
- ``tracker_store``, ``locks``, ``erasure``: Rasa's tracker and lock stores as Ruta configures them;
- ``server`` (``python -m bot.rasa.server run …``), ``action_server``, ``api_guard``, ``runtime``:
  starting Rasa and the action server, and the endpoints and credentials they read.

The action server's actions stay in the top-level ``actions/`` package, as Rasa expects; they are
thin (slots in, ``bot.dialogue`` out) and the only other code that imports Rasa's SDK.
"""
