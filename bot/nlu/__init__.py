"""Rasa NLU components that use Ruta's own data (country aliases, gazetteer, group words)."""
