"""What the load client says: short conversations of the kind each bot really gets.

Ruta's are the messages people send on WhatsApp/SMS in Spanish and English (menu numbers, towns,
misspellings, slang), so the NLU, the gazetteer, the menus and the knowledge base lookups are all
exercised; the bare ``rasa init`` bot gets its own English mood-bot texts, since asking it about
asylum would only measure its fallback. Every conversation has ten messages.
"""

from __future__ import annotations

RUTA: tuple[tuple[str, ...], ...] = (
    ("hola", "como pido asilo en mexico", "3", "permiso de trabajo en guate", "donde esta la oficina mas cercana",
     "tapachula", "y que mas", "menu", "gracias", "adios"),
    ("hi", "How do I apply for asylum in Mexico?", "and can I work?", "where is the nearest office", "tapachula",
     "my son have fever", "1", "more", "thanks", "bye"),
    ("buenas", "soy de honduras", "necesito chamba urgente", "sin papeles puedo chambear?",
     "donde pido refugio en guate", "2", "donde esta la oficina mas cercana", "tapachula", "hablar con un humano",
     "gracias"),
    ("hola", "asilo", "3", "and can I work?", "me pueden dar asilo en costa rica", "cuanto tarda en salir el carnet",
     "tengo diabetes y se me acabo la insulina", "menu", "4", "adios"),
    ("hello", "can i get asylum in guatemala", "where is onpar", "costa rica",
     "can venezuelans ask asylum in costa rica", "i need psychologist", "menu", "2", "help", "bye"),
    ("ola", "el coyote nos dejo encerrados", "estoy en tapachula", "como saco papeles en mexico", "acta de nacimiento",
     "5", "y que mas", "permiso de trabajo en guate", "menu principal", "ok gracias"),
)  # fmt: skip

BARE: tuple[tuple[str, ...], ...] = (
    ("hi", "I am sad", "yes", "great", "are you a bot?", "no", "I am feeling very good", "bye", "hello", "perfect"),
    ("hello there", "very sad", "not really", "I'm great", "am I talking to a human?", "indeed", "unhappy",
     "of course", "goodbye", "see you later"),
    ("good morning", "amazing", "I am a bit sad", "that sounds good", "never", "are you a human?", "extremely good",
     "correct", "have a nice day", "cu"),
)  # fmt: skip
