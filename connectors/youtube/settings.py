"""Google Ads campaign report (YouTube video campaigns): header names and formats.

Only rows whose campaign type is Video are YouTube; views are `Views`, renamed `TrueView views` in newer reports.
"""

from connectors.export_layout import ExportLanguage

EXPORT_LANGUAGES = (
    ExportLanguage(
        code="en",
        headers={
            "day": ("Day",),
            "campaign_id": ("Campaign ID",),
            "campaign_name": ("Campaign",),
            "campaign_type": ("Campaign type",),
            "currency": ("Currency code",),
            "spend": ("Cost",),
            "impressions": ("Impr.", "Impressions"),
            "clicks": ("Clicks",),
            "conversions": ("Conversions",),
            "platform_revenue": ("Conv. value",),
        },
        date_formats=("%Y-%m-%d",),
        decimal_separator=".",
    ),
)

REQUIRED_FIELDS = ("day", "campaign_id", "campaign_name", "campaign_type", "spend", "impressions", "clicks")

# The campaign type as the report writes it in the languages above.
VIDEO_CAMPAIGN_TYPES = frozenset({"Video"})

# --- Google Ads API (searchStream) ---
API_BASE = "https://googleads.googleapis.com"
API_VERSION = "v22"  # metrics.video_trueview_views replaced video_views in v22
TOKEN_URL = "https://oauth2.googleapis.com/token"
QUERY = (
    "SELECT segments.date, campaign.id, campaign.name, customer.currency_code, metrics.cost_micros, "
    "metrics.impressions, metrics.clicks, metrics.video_trueview_views, metrics.conversions, "
    "metrics.conversions_value FROM campaign "
    "WHERE segments.date BETWEEN '{first}' AND '{last}' AND campaign.advertising_channel_type = 'VIDEO'"
)
WINDOW_DAYS = 30
LOOKBACK_DAYS = 14

# --- Organic posts: YouTube Studio "Table data.csv" (Analytics → Advanced mode → Content → Export → CSV) ---
# The download is a ZIP of `Table data.csv`, `Chart data.csv` and `Totals.csv`; only `Table data.csv` is read (drop
# it into the folder as it is). UTF-8, comma-separated; its first data row is `Total` (a totals row, never data);
# an em dash means no value. Its numbers are those of the date range chosen in Studio, not the video's lifetime.
# How sure: `Content` (the video id), `Video title`, `Video publish time`, `Views`, `Impressions`, `Duration`,
# `Watch time (hours)`, `Subscribers`, `Impressions click-through rate (%)` (high). `Likes`, `Shares`,
# `Comments added` (Studio's metric names; medium). Publish times like `Sep 3, 2026` (low: parsers say probably).
# Video views are `Views`. Studio gives no clicks: round(Impressions × CTR) is not exact, so clicks stay empty
# unless a `Clicks` column is there.
ORGANIC_LANGUAGES = (
    ExportLanguage(
        code="en",
        headers={
            "post_id": ("Content",),
            "published_at": ("Video publish time",),
            "title": ("Video title",),
            "impressions": ("Impressions",),
            "clicks": ("Clicks",),
            "reactions": ("Likes",),
            "comments": ("Comments added", "Comments"),
            "shares": ("Shares",),
            "video_views": ("Views",),
        },
        date_formats=("%b %d, %Y", "%B %d, %Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"),
        decimal_separator=".",
    ),
)
ORGANIC_REQUIRED_FIELDS = ("post_id", "published_at", "impressions")
