"""A snapshot of the attack record and its gazetteers of launch areas and regions."""
