"""The omh plugin."""
