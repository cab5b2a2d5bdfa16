"""The advertising channels the pipeline knows, and each one's export format."""

from __future__ import annotations

from connectors.export_layout import ExportFormat
from connectors.facebook.export import FACEBOOK_EXPORT
from connectors.linkedin.export import LINKEDIN_EXPORT
from connectors.twitter.export import TWITTER_EXPORT
from connectors.youtube.export import YOUTUBE_EXPORT

EXPORT_FORMATS: dict[str, ExportFormat] = {
    "linkedin": LINKEDIN_EXPORT,
    "twitter": TWITTER_EXPORT,
    "facebook": FACEBOOK_EXPORT,
    "youtube": YOUTUBE_EXPORT,
}

CHANNELS: tuple[str, ...] = tuple(EXPORT_FORMATS)
