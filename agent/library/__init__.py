"""The 资料库: load a file → 公文 heading tree → chunks with breadcrumbs → topics → Chroma, and hybrid retrieval
over it. Uses text/ and model/ (embedders, the egress record); knows nothing of answering, drafting or briefs."""
