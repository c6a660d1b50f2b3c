"""zongjie (总结): past work reports in a vector store, and an agent that answers, drafts and briefs from them."""

__version__ = "0.1.0"
