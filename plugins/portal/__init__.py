"""The portal plugin."""
