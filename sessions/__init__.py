"""Built-in session files (shipped as package data)."""
