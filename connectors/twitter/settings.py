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
