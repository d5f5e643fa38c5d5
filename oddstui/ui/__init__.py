"""The Textual dashboard: the only layer that imports textual."""
