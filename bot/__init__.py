"""Ruta's plain-Python core: knowledge base, geography, language, SMS sizing, privacy.

Nothing here imports Rasa, so every function can be tested without a model or a server; the
Rasa action server (``actions/``) and channels (``bot/channels/``) are thin wrappers around it.
"""
