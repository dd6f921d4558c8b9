"""Sky Shield: plan and assess a multinational air protection zone over western Ukraine.

Layers (each imports only from the ones before it): ``geo`` -> ``catalog`` -> ``scenario``
-> ``forces``, ``record`` -> ``raids`` -> ``engine`` -> ``placement`` -> ``analysis`` -> ``runs``
-> ``execution`` -> ``studies`` -> ``report``, ``export``, ``truce`` -> ``cli``, ``web``.  See
``docs/design.md``; ``tests/test_layers.py`` checks it.  The workflows (assess, Monte Carlo,
sweeps, sensitivity) are functions of :mod:`skyshield.studies`.
"""

from skyshield.version import __version__

__all__ = ["__version__", "simulate"]


def __getattr__(name: str) -> object:
    """``skyshield.simulate`` without importing the engine when the package is imported."""
    if name == "simulate":
        from skyshield.studies.simulation import simulate

        return simulate
    raise AttributeError(f"module 'skyshield' has no attribute {name!r}")
