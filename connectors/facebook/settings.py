"""Meta Ads Manager export with a daily breakdown: header names per language and formats.

The account currency sits in the spend header, e.g. `Amount spent (EUR)`. Conversions are `Results`, platform
revenue `Purchases conversion value`, clicks `Link clicks` (the API's `inline_link_clicks`).
"""

from connectors.export_layout import ExportLanguage

EXPORT_LANGUAGES = (
    ExportLanguage(
        code="en",
        headers={
            "day": ("Reporting starts",),
            "day_end": ("Reporting ends",),
            "campaign_id": ("Campaign ID",),
            "campaign_name": ("Campaign name",),
            "spend": ("Amount spent ({currency})", "Amount spent"),
            "impressions": ("Impressions",),
            "clicks": ("Link clicks",),
            "conversions": ("Results",),
            "platform_revenue": ("Purchases conversion value",),
        },
        date_formats=("%Y-%m-%d",),
        decimal_separator=".",
    ),
    ExportLanguage(
        code="fr",
        headers={
            "day": ("Début des rapports",),
            "day_end": ("Fin des rapports",),
            "campaign_id": ("Identifiant de la campagne",),
            "campaign_name": ("Nom de la campagne",),
            "spend": ("Montant dépensé ({currency})", "Montant dépensé"),
            "impressions": ("Impressions",),
            "clicks": ("Clics sur un lien",),
            "conversions": ("Résultats",),
            "platform_revenue": ("Valeur de conversion des achats",),
        },
        date_formats=("%Y-%m-%d",),
        decimal_separator=",",
    ),
)

REQUIRED_FIELDS = ("day", "day_end", "campaign_id", "campaign_name", "spend", "impressions", "clicks")

NO_DAILY_BREAKDOWN_HINT = (
    "the export has no daily breakdown and a row covering several days cannot be split into days; "
    "export again with Breakdown > By time > Day"
)

# --- Marketing API insights ---
API_BASE = "https://graph.facebook.com"
API_VERSION = "v25.0"
INSIGHT_FIELDS = (
    "campaign_id",
    "campaign_name",
    "account_currency",
    "spend",
    "impressions",
    "inline_link_clicks",  # the CSV's `Link clicks`
    "actions",
    "action_values",
)
PAGE_LIMIT = 500
WINDOW_DAYS = 30
# One purchase is reported under several action types at once (purchase, omni_purchase, the pixel's): the first
# configured type present is taken, never their sum.
DEFAULT_CONVERSION_ACTION_TYPES = ("offsite_conversion.fb_pixel_purchase",)
# Rate-limit error codes, sent with HTTP 400.
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, *range(80000, 80009)})
TOKEN_ERROR_CODE = 190
USAGE_HEADERS = ("x-business-use-case-usage", "x-ad-account-usage")
LOOKBACK_DAYS = 28
