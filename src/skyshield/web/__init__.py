"""The planner in the browser (``skyshield serve``): a FastAPI app over the library.

:func:`create_app` makes the app for a :class:`ServerConfig`; the page (``static/``) uses only
its JSON API, which scripts may use too (OpenAPI at ``/docs``).  The names are imported on first
use, so that a job's worker process (``skyshield.web.worker``) starts without the web stack.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from skyshield.web.app import create_app
    from skyshield.web.config import Limits, ServerConfig

_WHERE = {
    "create_app": "skyshield.web.app",
    "Limits": "skyshield.web.config",
    "ServerConfig": "skyshield.web.config",
}


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'skyshield.web' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = ["Limits", "ServerConfig", "create_app"]
