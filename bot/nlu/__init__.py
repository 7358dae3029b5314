"""Entities from Ruta's own data (country aliases, gazetteer, group and number words), without Rasa.

The Rasa NLU component that adds them to each message is ``bot.rasa.gazetteer_extractor``.
"""
