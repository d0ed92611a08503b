"""The HTTP service: the routing API and the registry's APIs joined in one FastAPI app."""
