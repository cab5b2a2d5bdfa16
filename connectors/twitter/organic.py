"""X post activity export (tweet_activity_metrics or account_analytics_content): one row per post of the account.

Only the organic columns are read; the `promoted …` columns are paid delivery, in the Ads Manager export.
"""

from connectors.export_layout import ExportFormat
from connectors.twitter.settings import ORGANIC_LANGUAGES, ORGANIC_REQUIRED_FIELDS

TWITTER_ORGANIC = ExportFormat(
    name="X post activity export",
    languages=ORGANIC_LANGUAGES,
    required=ORGANIC_REQUIRED_FIELDS,
    non_empty=("post_id", "published_at"),
    # A post's text may start with "Total"; the export has no totals row.
)
