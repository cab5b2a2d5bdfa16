"""LinkedIn Campaign Manager."""
