"""Attributed revenue exported from the CRM."""
