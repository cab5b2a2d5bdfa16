"""The advertising channels the pipeline knows, and each one's export format."""

from __future__ import annotations

from connectors.export_layout import ExportFormat
from connectors.facebook.export import FACEBOOK_EXPORT
from connectors.facebook.organic import FACEBOOK_ORGANIC
from connectors.linkedin.export import LINKEDIN_EXPORT
from connectors.linkedin.organic import LINKEDIN_ORGANIC
from connectors.twitter.export import TWITTER_EXPORT
from connectors.twitter.organic import TWITTER_ORGANIC
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
