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

# --- Marketing API (adAnalytics) ---
API_BASE = "https://api.linkedin.com"
API_VERSION = "202601"  # LinkedIn-Version header, YYYYMM
CAMPAIGN_STATUSES = ("ACTIVE", "PAUSED", "ARCHIVED", "COMPLETED", "CANCELED", "DRAFT")
CAMPAIGN_PAGE_SIZE = 500
# At most 20 fields a request; days without delivery are simply absent.
ANALYTICS_FIELDS = (
    "dateRange",
    "pivotValues",
    "costInLocalCurrency",
    "impressions",
    "clicks",
    "externalWebsiteConversions",
    "conversionValueInLocalCurrency",
)
WINDOW_DAYS = 30  # responses are capped at about 15,000 elements
CAMPAIGNS_PER_REQUEST = 20  # long URLs get 414
CAMPAIGN_URN = "urn:li:sponsoredCampaign:"
DAILY_LIMIT_MARKER = "DAY limit"  # in the 429 message of a daily quota, which resets at midnight UTC
TOKEN_ERROR_CODES = {65600, 65601}  # invalid, revoked
LOOKBACK_DAYS = 7
