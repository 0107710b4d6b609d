"""The reference server of the protocol (FastAPI + uvicorn); only this package imports them."""
