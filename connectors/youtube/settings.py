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
