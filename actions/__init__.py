"""Ruta's Rasa custom actions: thin translators between Rasa and ``bot``."""
