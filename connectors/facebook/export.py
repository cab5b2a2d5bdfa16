"""Meta Ads Manager campaign export with a daily breakdown (UTF-8, often with a BOM; French: semicolons)."""

from connectors.export_layout import ExportFormat
from connectors.facebook.settings import (
    ADD_COLUMN_HINT,
    CONVERSION_RULE,
    DAILY_HINT,
    EXPORT_LANGUAGES,
    PERIOD,
    REQUIRED_FIELDS,
)

FACEBOOK_EXPORT = ExportFormat(
    name="Meta Ads Manager",
    languages=EXPORT_LANGUAGES,
    required=REQUIRED_FIELDS,
    non_empty=("day", "period_end", "campaign_id"),
    period=PERIOD,
    daily_hint=DAILY_HINT,
    conversion_rule=CONVERSION_RULE,
    summary_without_campaign=True,
    add_column_hint=ADD_COLUMN_HINT,
)
