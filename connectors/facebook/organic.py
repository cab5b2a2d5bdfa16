"""Facebook page posts export from Meta Business Suite (UTF-8 with a BOM): one row per post of the page."""

from connectors.export_layout import ExportFormat
from connectors.facebook.settings import ORGANIC_LANGUAGES, ORGANIC_REQUIRED_FIELDS

FACEBOOK_ORGANIC = ExportFormat(
    name="Meta Business Suite page posts export",
    languages=ORGANIC_LANGUAGES,
    required=ORGANIC_REQUIRED_FIELDS,
    non_empty=("post_id", "published_at"),
    # No totals row; the columns may come in any order, and a post's text may start with "Total".
)
