"""The catalog: threats, fighters, weapons, support aircraft, fleets, engine and ground parameters."""
