"""The live-chat channel: the widget's WebSocket (Django Channels on ASGI), its polling fallback, the bot's
turns and the hand-over to a person. The widget protocol is documented in the README ("Live chat")."""
