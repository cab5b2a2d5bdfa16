"""Google Ads campaign report download: "CSV" (UTF-8 comma) or "Excel .csv" (UTF-16 tab), two preamble lines."""

from connectors.export_layout import ExportFormat
from connectors.youtube.settings import (
    ADD_COLUMN_HINT,
    DAILY_HINT,
    EXPORT_LANGUAGES,
    REQUIRED_FIELDS,
    VIDEO_CAMPAIGN_TYPES,
)

YOUTUBE_EXPORT = ExportFormat(
    name="Google Ads campaign report",
    languages=EXPORT_LANGUAGES,
    required=REQUIRED_FIELDS,
    add_column_hint=ADD_COLUMN_HINT,
    keep_only={"campaign_type": VIDEO_CAMPAIGN_TYPES},
    daily_hint=DAILY_HINT,
)
