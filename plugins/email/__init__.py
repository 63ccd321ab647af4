"""The email plugin."""
