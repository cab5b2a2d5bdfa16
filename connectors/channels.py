"""The advertising channels the pipeline knows, and each one's export format."""

from __future__ import annotations

from connectors.account_ids import AccountIdForm
from connectors.export_layout import ExportFormat
from connectors.facebook import settings as facebook
from connectors.facebook.export import FACEBOOK_EXPORT
from connectors.facebook.organic import FACEBOOK_ORGANIC
from connectors.linkedin import settings as linkedin
from connectors.linkedin.export import LINKEDIN_EXPORT
from connectors.linkedin.organic import LINKEDIN_ORGANIC
from connectors.twitter import settings as twitter
from connectors.twitter.export import TWITTER_EXPORT
from connectors.twitter.organic import TWITTER_ORGANIC
from connectors.youtube import settings as youtube
from connectors.youtube.export import YOUTUBE_EXPORT
from connectors.youtube.organic import YOUTUBE_ORGANIC

EXPORT_FORMATS: dict[str, ExportFormat] = {
    "linkedin": LINKEDIN_EXPORT,
    "twitter": TWITTER_EXPORT,
    "facebook": FACEBOOK_EXPORT,
    "youtube": YOUTUBE_EXPORT,
}

CHANNELS: tuple[str, ...] = tuple(EXPORT_FORMATS)

# Each channel's organic post export (its pages' posts), under `<exports_dir>/<channel>_posts/<account_id>/`.
ORGANIC_FORMATS: dict[str, ExportFormat] = {
    "linkedin": LINKEDIN_ORGANIC,
    "twitter": TWITTER_ORGANIC,
    "facebook": FACEBOOK_ORGANIC,
    "youtube": YOUTUBE_ORGANIC,
}
ORGANIC_KINDS = {channel: f"{channel}_posts" for channel in ORGANIC_FORMATS}

# Each channel's account id: the forms accepted in the config and as export folder names, and the one form kept.
ACCOUNT_IDS: dict[str, AccountIdForm] = {
    "linkedin": linkedin.ACCOUNT_ID,
    "twitter": twitter.ACCOUNT_ID,
    "facebook": facebook.ACCOUNT_ID,
    "youtube": youtube.ACCOUNT_ID,
}
_CHANNEL_OF_KIND = {**{channel: channel for channel in CHANNELS}, **{kind: c for c, kind in ORGANIC_KINDS.items()}}


def folder_account_id(kind: str, folder: str) -> str:
    """The account a folder of `<exports_dir>/<kind>/` is named after, in whichever accepted form (`act_123` is
    account 123); a name of no accepted form is kept as it is, and its files are rejected as of no configured
    account."""
    return ACCOUNT_IDS[_CHANNEL_OF_KIND[kind]].normalized(folder) or folder
