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
