"""X Ads Manager campaign export (UTF-8 comma or UTF-16 tab)."""

from connectors.export_layout import ExportFormat
from connectors.twitter.settings import ADD_COLUMN_HINT, DAILY_HINT, EXPORT_LANGUAGES, REQUIRED_FIELDS

TWITTER_EXPORT = ExportFormat(
    name="X Ads Manager",
    languages=EXPORT_LANGUAGES,
    required=REQUIRED_FIELDS,
    daily_hint=DAILY_HINT,
    add_column_hint=ADD_COLUMN_HINT,
)
