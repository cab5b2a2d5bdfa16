"""LinkedIn Campaign Manager export: header names per language and how each language writes dates and numbers.

Campaign Manager switches the export's language by itself; a new language is one more entry in EXPORT_LANGUAGES.
LinkedIn's export carries no conversion value, so it has no platform revenue.
"""

from connectors.export_layout import ExportLanguage

EXPORT_LANGUAGES = (
    ExportLanguage(
        code="en",
        headers={
            "day": ("Start Date (in UTC)",),
            "campaign_id": ("Campaign ID",),
            "campaign_name": ("Campaign Name",),
            "currency": ("Currency",),
            "spend": ("Total Spent",),
            "impressions": ("Impressions",),
            "clicks": ("Clicks",),
            "conversions": ("Conversions",),
        },
        date_formats=("%m/%d/%Y",),
        decimal_separator=".",
    ),
    ExportLanguage(
        code="nl",
        headers={
            "day": ("Begindatum (in UTC)",),
            "campaign_id": ("Campagne-ID",),
            "campaign_name": ("Campagnenaam",),
            "currency": ("Valuta",),
            "spend": ("Totaal besteed",),
            "impressions": ("Weergaven",),
            "clicks": ("Klikken",),
            "conversions": ("Conversies",),
        },
        date_formats=("%d-%m-%Y",),
        decimal_separator=",",
    ),
)

REQUIRED_FIELDS = ("day", "campaign_id", "campaign_name", "spend", "impressions", "clicks")
