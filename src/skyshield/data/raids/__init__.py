"""Built-in raids (the reference raid)."""
