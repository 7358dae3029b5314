"""Fixed sentences for the custom actions: a thin name for :func:`bot.locales.say`."""

from __future__ import annotations

from bot.locales import say

__all__ = ["say"]
