"""Reading a message as several signals: danger, who, where (now/from/going), topic, question,
and the conversational act. Plain Python over the locale word lists and the knowledge base,
tested without Rasa; ``bot.dialogue`` combines the signals into what to say."""
