"""The conversation logic as plain Python: state, answers, places, and the decision per message."""

from bot.dialogue.conversation import Dialogue
from bot.dialogue.state import SLOTS, Reply, State, Turn

__all__ = ["SLOTS", "Dialogue", "Reply", "State", "Turn"]
