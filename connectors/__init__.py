"""Platform knowledge: export formats, header aliases and (later) API clients. No Dagster, no warehouse."""
