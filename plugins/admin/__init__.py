"""The admin plugin."""
