"""Meta Ads Manager campaign export with a daily breakdown (UTF-8, often with a BOM; French: semicolons)."""

from connectors.export_layout import ExportFormat
from connectors.facebook.settings import ADD_COLUMN_HINT, EXPORT_LANGUAGES, NO_DAILY_BREAKDOWN_HINT, REQUIRED_FIELDS

FACEBOOK_EXPORT = ExportFormat(
    name="Meta Ads Manager",
    languages=EXPORT_LANGUAGES,
    required=REQUIRED_FIELDS,
    non_empty=("day", "day_end", "campaign_id"),
    single_day=("day", "day_end"),
    single_day_hint=NO_DAILY_BREAKDOWN_HINT,
    add_column_hint=ADD_COLUMN_HINT,
)
