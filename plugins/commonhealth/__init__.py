"""The commonhealth plugin."""
