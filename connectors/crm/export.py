"""CRM attributed-revenue export: `deal_id,close_date,channel,campaign_id,amount,currency`, one row per won deal.

A deal_id seen again in a newer file replaces the older row (a deal's amount or close date changed). `campaign_id`
is the campaign's ID or its exact name, as the CRM has it (matched to a campaign in warehouse/marts.py).
"""

from connectors.channels import CHANNELS
from connectors.export_layout import ExportFormat, ExportLanguage

CRM_EXPORT = ExportFormat(
    name="CRM attributed revenue",
    languages=(
        ExportLanguage(
            code="en",
            headers={
                "deal_id": ("deal_id",),
                "close_date": ("close_date",),
                "channel": ("channel",),
                "campaign_id": ("campaign_id",),
                "amount": ("amount",),
                "currency": ("currency",),
            },
        ),
    ),
    required=("deal_id", "close_date", "channel", "campaign_id", "amount", "currency"),
    non_empty=("deal_id", "close_date", "channel", "campaign_id", "amount", "currency"),
    allowed_values={"channel": CHANNELS},
)
