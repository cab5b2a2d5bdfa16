"""YouTube Studio "Table data.csv" (Content tab): one row per video of the channel, after a `Total` row."""

from connectors.export_layout import ExportFormat
from connectors.youtube.settings import ORGANIC_LANGUAGES, ORGANIC_REQUIRED_FIELDS

YOUTUBE_ORGANIC = ExportFormat(
    name="YouTube Studio table data",
    languages=ORGANIC_LANGUAGES,
    required=ORGANIC_REQUIRED_FIELDS,
    non_empty=("post_id", "published_at"),
)
