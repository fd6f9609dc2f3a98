"""`factx serve`: an HTTP API over one engine and a page that shows the facts in a text.

Needs the `serve` extra (Starlette and uvicorn); nothing in the core imports it.
"""
