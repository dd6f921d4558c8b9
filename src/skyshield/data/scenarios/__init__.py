"""Built-in scenarios (reference, small)."""
