"""Rasa NLU component: adds country, city, group and number entities from Ruta's own data.

The knowledge base is watched like in the action server, so a new alias an editor adds
("catracho") is understood without retraining.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.config import Settings
from bot.nlu.entities import extract
from bot.world.store import KnowledgeStore

logger = logging.getLogger(__name__)
_STORES: dict[str, KnowledgeStore] = {}


def _store(path: str) -> KnowledgeStore:
    """One watched store per path and process (training and serving both create components)."""
    if path not in _STORES:
        store = KnowledgeStore(Path(path))
        store.watch()
        _STORES[path] = store
    return _STORES[path]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class GazetteerEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Finds country (aliases), city (gazetteer), group and number in each message."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"knowledge_base": None}

    def __init__(self, config: Dict[str, Any]) -> None:
        self._path = config.get("knowledge_base") or str(Settings.from_env().kb_path)

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GazetteerEntityExtractor:
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        try:
            kb = _store(self._path).kb
        except Exception:  # content broken at start: NLU still works, just without these entities
            logger.exception("Knowledge base unavailable; no country/city entities this time")
            return messages
        for message in messages:
            text: str | None = message.get(TEXT)
            if not text or text.startswith("/"):
                continue
            found = [
                {"entity": f.entity, "value": f.value, "start": f.start, "end": f.end, "confidence_entity": 1.0}
                for f in extract(text, kb)
            ]
            message.set(ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name(found), add_to_output=True)
        return messages
