"""Ruta: a plain-Python core (knowledge base, geography, understanding, dialogue, SMS sizing,
privacy) and, in ``bot.rasa`` alone, what binds it to Rasa.

Only ``bot/rasa/`` (channels, the NLU component, tracker and lock stores, the servers' start-up and
configuration) and the action server's ``actions/`` import Rasa, Rasa's SDK or Sanic;
``tests/unit/test_layers.py`` checks it. Everything else runs and is tested without a model or a
server.
"""
