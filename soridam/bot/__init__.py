"""The bot: one engine that answers customers from the knowledge base on every channel, and hands over to a person."""
