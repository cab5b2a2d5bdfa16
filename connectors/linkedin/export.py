"""LinkedIn Campaign Manager campaign performance export (UTF-16 LE, tab-separated, with a preamble)."""

from connectors.export_layout import ExportFormat
from connectors.linkedin.settings import (
    ADD_COLUMN_HINT,
    DAILY_HINT,
    EXPORT_LANGUAGES,
    PERIOD,
    PREAMBLE_PERIODS,
    REQUIRED_FIELDS,
)

LINKEDIN_EXPORT = ExportFormat(
    name="LinkedIn Campaign Manager",
    languages=EXPORT_LANGUAGES,
    required=REQUIRED_FIELDS,
    period=PERIOD,
    preamble_periods=PREAMBLE_PERIODS,
    daily_hint=DAILY_HINT,
    add_column_hint=ADD_COLUMN_HINT,
)
