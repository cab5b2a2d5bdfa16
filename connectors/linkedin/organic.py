"""LinkedIn page content export ("All posts" sheet, saved as .csv): one row per post of the company page.

Only organic posts are kept (`Post type` Organic); sponsored posts are paid delivery, already in the Campaign
Manager export. The post link's activity urn is the post id.
"""

from connectors.export_layout import ExportFormat
from connectors.linkedin.settings import ORGANIC_LANGUAGES, ORGANIC_POST_TYPES, ORGANIC_REQUIRED_FIELDS

LINKEDIN_ORGANIC = ExportFormat(
    name="LinkedIn page content export",
    languages=ORGANIC_LANGUAGES,
    required=ORGANIC_REQUIRED_FIELDS,
    non_empty=("post_id", "published_at"),
    # The first column is the post's title, which may well start with "Total"; the sheet has no totals row.
    keep_only={"post_type": ORGANIC_POST_TYPES},
)
