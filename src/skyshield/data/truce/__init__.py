"""Built-in truce windows (``windows.yaml``) for ``skyshield truce``."""
