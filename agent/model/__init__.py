"""The seams to models: the OpenAI-compatible chat model and its run log, embedders, prompts, token counts, and
the egress policy that decides what text may leave the machine. Uses text/ only."""
