"""Answering questions (`ask`, `chat`): evidence from the library → an engine (extractive offline, or a chat model,
or a tool-calling agent) → the guard that checks citations and figures."""
