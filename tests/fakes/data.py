"""The facts a fake platform serves: one row per campaign and day, in the campaign's currency.

Each fake turns these into its own platform's shapes and typing (strings, micros, per-day arrays, ...). A day is
the account's reporting day (LinkedIn: the UTC day). A CampaignDay whose numbers are all zero is "no delivery" and is
served as the platform serves no delivery (absent rows, `null` metrics, omitted proto3 fields).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class CampaignDay:
    day: date
    campaign_id: str
    campaign_name: str
    currency: str
    spend: Decimal
    impressions: int
    clicks: int
    conversions: Decimal = Decimal(0)
    revenue: Decimal = Decimal(0)

    @property
    def delivered(self) -> bool:
        """True when the platform reports anything for this campaign and day."""
        return any((self.spend, self.impressions, self.clicks, self.conversions, self.revenue))


@dataclass
class CampaignInfo:
    """A campaign as the platform's campaign list shows it.

    Campaigns that appear in an account's CampaignDays are listed automatically (status ACTIVE, name and currency
    from their latest day); `add_campaign` adds campaigns without delivery or overrides status and extras.
    `extra` holds platform-specific attributes, e.g. `deleted=True` (X), `channel_type="SEARCH"` (Google Ads).
    """

    campaign_id: str
    name: str
    currency: str | None = None
    status: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PostFact:
    """One organic post of a page with its lifetime numbers; each fake serves it in its platform's shapes.

    `post_id` is the platform's own id: LinkedIn `urn:li:share:…` or `urn:li:ugcPost:…`, X the tweet id, Meta
    `<page id>_<post id>`, YouTube the video id. `published_at` is an aware instant. YouTube's Data API has no
    impressions: it serves `video_views` as the video's viewCount.
    """

    post_id: str
    published_at: datetime
    text: str
    impressions: int
    clicks: int = 0
    reactions: int = 0
    comments: int = 0
    shares: int = 0
    video_views: int = 0
    created_at: datetime | None = None  # LinkedIn: a scheduled post is created before it is published
    dark: bool = False  # LinkedIn: a post that only runs as an ad (feedDistribution NONE)

    @property
    def created(self) -> datetime:
        return self.created_at or self.published_at


def decimal_text(value: Decimal | int) -> str:
    """A number as the platforms write it in strings: plain notation as given, no exponent ("209.449", "150.00")."""
    return format(Decimal(value), "f")


def json_number(value: Decimal | int) -> int | float:
    """A JSON number: an int when whole, else a float."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def micros(value: Decimal) -> int:
    """An amount in micros (millionths). The fakes refuse amounts that are not whole micros."""
    scaled = Decimal(value) * 1_000_000
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} is not a whole number of micros")
    return int(scaled)
