"""Dagster wiring: assets, checks, resources, partitions and schedule. The work itself lives in connectors/ and warehouse/."""
