"""X Ads Manager campaign export: header names and formats.

The export has no currency column: the account's currency from the config applies. Clicks are `Clicks`, not
`Link clicks`, so the CSV and the API (`clicks`, not `url_clicks`) agree.
"""

from connectors.export_layout import ExportLanguage

EXPORT_LANGUAGES = (
    ExportLanguage(
        code="en",
        headers={
            "day": ("Time", "Date"),
            "campaign_id": ("ID", "Campaign ID"),
            "campaign_name": ("Campaign", "Campaign name"),
            "spend": ("Spend",),
            "impressions": ("Impressions",),
            "clicks": ("Clicks",),
            "conversions": ("Conversions",),
            "platform_revenue": ("Conversion sale amount",),
        },
        # Daily segments give a day; hourly ones a time of day, summed into the day.
        date_formats=("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"),
        decimal_separator=".",
    ),
)

REQUIRED_FIELDS = ("day", "campaign_id", "campaign_name", "spend", "impressions", "clicks")

# --- X Ads API v12 (synchronous stats) ---
API_BASE = "https://ads-api.x.com"
API_VERSION = "12"
CAMPAIGN_PAGE_SIZE = 1000
STATS_WINDOW_DAYS = 7  # end - start at most 7 days, end exclusive, at midnight in the account's timezone
ENTITIES_PER_REQUEST = 20
PLACEMENT = "ALL_ON_TWITTER"
METRIC_GROUPS = ("ENGAGEMENT", "BILLING", "WEB_CONVERSION")
# Clicks are `clicks`, not `url_clicks`, like the CSV's `Clicks`.
SPEND_MICROS = "billed_charge_local_micro"
CONVERSIONS = "conversion_purchases"  # an object of arrays: `metric` (count), `sale_amount` (micros)
LOOKBACK_DAYS = 14
# User-level and account-level limits; each comes as <prefix>-limit, -remaining and -reset (epoch seconds).
RATE_LIMIT_HEADERS = ("x-rate-limit", "x-account-rate-limit")
