"""Rasa input channels for Ruta.

``twilio.TwilioChannel`` (a package, one job a module) replaces Rasa's stock Twilio connector: it
checks Twilio's signature, answers synchronously in TwiML (no outbound API call, no account SID
needed), keys conversations by a pseudonym instead of the phone number, and always answers within
Twilio's 15 seconds. Register it in ``credentials.yml`` as ``bot.rasa.channels.twilio.TwilioChannel:``.
``rest.RestChannel`` (and ``rest.ShellInput``) put limits and the same fallback on Rasa's REST
channel. What both say by themselves comes from the locales through ``texts``.
"""
