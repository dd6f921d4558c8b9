"""Sky Shield: plan and assess a multinational air protection zone over western Ukraine.

Layers (each imports only from the ones before it): ``geo`` -> ``catalog`` -> ``scenario``
-> ``forces`` -> ``report`` -> ``cli``.  See ``docs/design.md``.
"""

__version__ = "0.1.0"
