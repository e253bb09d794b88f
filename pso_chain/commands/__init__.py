"""Command modules of the CLI; each exposes ``register(app)`` and stays a thin wrapper."""
