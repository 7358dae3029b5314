"""The knowledge base with its map, loaded whole and kept live: what the assistant answers from.

``bot.kb`` reads and checks the content, ``bot.geo`` knows towns and distances; this package,
above both, joins them (:func:`load`) and swaps in editors' changes while running
(:class:`bot.world.store.KnowledgeStore`).
"""

from bot.world.assemble import KnowledgeBase, load, load_complete

__all__ = ["KnowledgeBase", "load", "load_complete"]
