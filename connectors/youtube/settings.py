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
