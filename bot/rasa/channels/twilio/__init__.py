"""Twilio SMS and WhatsApp channel: POST /webhooks/twilio/webhook, answered in TwiML.

Why not Rasa's stock ``twilio`` channel: it does not check Twilio's signature (anyone could post
messages as anyone), stores the phone number as the conversation id, answers through the REST API
(so replies need an account SID and arrive whenever Rasa finishes), and sends nothing when the
action server is down. Here every request is verified, the number is replaced by
``privacy.pseudonym`` before Rasa sees it, and the reply goes back in the HTTP response itself:
within ``reply_timeout`` seconds the person gets the bot's answer or, failing that, the short
bilingual "try again / emergency numbers" message (``bot.fallback``, numbers from the knowledge
base), so nobody in trouble is left with silence.

``credentials.yml``::

    bot.rasa.channels.twilio.TwilioChannel:
      # auth_token: read from TWILIO_AUTH_TOKEN; do not write the token here
      public_url: https://ruta.example.org   # as Twilio sees it (behind a proxy); or RUTA_PUBLIC_URL
      reply_timeout: 8                       # seconds; Twilio gives up at 15
      sms_segments: 3                        # or RUTA_SMS_SEGMENTS
      gsm7: true                             # or RUTA_SMS_GSM7
      dev_skip_signature: false              # default: true only with RUTA_DEV=1 and no token

The package, one job a module:

- ``request``: the form (blank fields kept: Twilio signs them), the signature, the message read
  and pseudonymised, a WhatsApp pin turned into ``/share_location{"lat": 14.63, "lon": -90.51}``
  (Rasa's RegexMessageHandler makes it intent ``share_location`` with entities ``lat`` and ``lon``;
  a leading "/" is removed from what people type, so nobody can trigger intents by hand);
- ``reply``: the bot's messages collected with their parts and fitted: on SMS from their parts
  (``bot/sms_fit.py``: the answer whole, menus and source lines shorter first, then pages the
  person asks for with "1"), on WhatsApp the full text; TwiML;
- ``store``: the conversation and its SMS pages where the tracker store keeps them
  (``bot/sms_pages.py``), the first-contact notice, BORRAR;
- ``channel``: ``TwilioChannel``, its settings and its routes.
"""

from bot.rasa.channels.twilio.channel import ChannelSetupError, TwilioChannel

__all__ = ["ChannelSetupError", "TwilioChannel"]
