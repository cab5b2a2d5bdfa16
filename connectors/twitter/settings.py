"""X Ads Manager campaign export: header names and formats.

The export has no currency column: the account's currency from the config applies. Clicks are `Clicks`, not
`Link clicks`, so the CSV and the API (`clicks`, not `url_clicks`) agree. Conversions are `Conversions` as the export
writes them; the API reads purchases (`conversion_purchases`). Which conversions the export's column counts, and
its exact name, are unverified (low: X documents the conversion columns by objective without naming them).
"""

import re

from connectors.account_ids import AccountIdForm
from connectors.api_figures import Figures
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

# A file without the `ID` column is keyed by campaign name within the account (warehouse/campaign_names.py).
REQUIRED_FIELDS = ("day", "campaign_name", "spend", "impressions", "clicks")

# The export holds the dashboard's metrics (low: X's help names the button, not the dialog's steps).
ADD_COLUMN_HINT = (
    "add {columns} in X Ads Manager: Metrics > Customize metrics, then Export again with the daily breakdown"
)

# The export's `Time` is a row's day (daily segments) or hour (hourly ones, summed into the day). What an export
# without daily or hourly segments looks like is unknown (low): a `Time` holding a range is not a date and is refused.
DAILY_HINT = "export again from the campaign dashboard's Export button with daily segments"

# --- X Ads API v12 (synchronous stats) ---
API_BASE = "https://ads-api.x.com"
API_VERSION = "12"
CAMPAIGN_PAGE_SIZE = 1000
STATS_WINDOW_DAYS = 7  # end - start at most 7 days, end exclusive, at midnight in the account's timezone
ENTITIES_PER_REQUEST = 20
PLACEMENT = "ALL_ON_TWITTER"
METRIC_GROUPS = ("ENGAGEMENT", "BILLING", "WEB_CONVERSION")
# Clicks are `clicks`, not `url_clicks`, like the CSV's `Clicks`.
SPEND_MICROS = "billed_charge_local_micro"
CONVERSIONS = "conversion_purchases"  # an object of arrays: `metric` (count), `sale_amount` (micros)
# What the stats must carry (else the answer is refused) and may leave out (then unknown, NULL, noted). A metric
# that did not serve is null, or null on a day: zero. A metric the answer leaves out altogether is unknown.
AD_FIGURES = Figures(
    "campaign day",
    required=(SPEND_MICROS, "impressions", "clicks"),
    optional={f"{CONVERSIONS}.metric": "conversions", f"{CONVERSIONS}.sale_amount": "platform_revenue"},
)
LOOKBACK_DAYS = 14
# An X Ads account id is a short base-36 string (18ce54d4x5t), the same in Ads Manager's URLs and the API's paths;
# no other form is commonly copied, so it is kept as written. High for the alphabet (the API docs' ids), medium that
# X never writes capitals.
ACCOUNT_ID = AccountIdForm(re.compile(r"([0-9a-z]+)"), "an X Ads account id, such as 18ce54d4x5t")
# User-level and account-level limits; each comes as <prefix>-limit, -remaining and -reset (epoch seconds).
RATE_LIMIT_HEADERS = ("x-rate-limit", "x-account-rate-limit")

# --- Organic posts: the post activity export (Analytics → Posts → Export data) ---
# UTF-8, comma-separated. Two generations of headers, both read:
# - "tweet_activity_metrics_<handle>_<start>_<end>_en.csv": `Tweet id`, `Tweet permalink`, `Tweet text`, `time`
#   (`2026-09-03 14:05 +0000`, UTC), `impressions`, `engagements`, `engagement rate`, `retweets`, `replies`, `likes`
#   (`favorites` in the oldest files), `user profile clicks`, `url clicks`, …, `media views`, then `promoted …`
#   columns (ignored: paid delivery is in the Ads Manager export). Counts may be written `424.0`. High: seen in
#   public parsers and test fixtures.
# - "account_analytics_content_<start>_<end>.csv": `Post id`, `Date` (`Fri, Sep 4, 2026`, no time of day),
#   `Post text`, `Post Link`, `Impressions`, `Likes`, `Engagements`, `Bookmarks`, `Shares`, `New follows`,
#   `Replies`, `Reposts`, `Profile visits`, `Detail Expands`, `URL Clicks`, … Medium: seen in public parsers.
# Clicks are the url clicks (clicks on the post's link), as the paid side counts clicks. Reposts are the shares
# (X's new `Shares` column counts shares by DM or copied link, not reposts). `media views` counts photo views too,
# so no column gives video views: they stay empty.
# The time's offset is always +0000 in these files; it is written literally in the formats (DuckDB cannot mix
# zoned and unzoned formats). A file with another offset is rejected, naming the cell.
ORGANIC_LANGUAGES = (
    ExportLanguage(
        code="en",
        headers={
            "post_id": ("Tweet id", "Post id", "Tweet permalink", "Post Link"),
            "published_at": ("time", "Date"),
            "title": ("Tweet text", "Post text"),
            "impressions": ("impressions",),
            "clicks": ("url clicks",),
            "reactions": ("likes", "favorites"),
            "comments": ("replies",),
            "shares": ("retweets", "Reposts"),
        },
        date_formats=(
            "%Y-%m-%d %H:%M +0000",
            "%Y-%m-%d %H:%M:%S +0000",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d",
            "%a, %b %d, %Y",
            "%b %d, %Y",
        ),
        decimal_separator=".",
    ),
)
ORGANIC_REQUIRED_FIELDS = ("post_id", "published_at", "impressions")

# --- Organic posts through the API (posts_source = "api"; page_id = the account's numeric X user id) ---
# How sure each piece is:
# - GET https://api.x.com/2/users/{id}/tweets?max_results=100&start_time=…Z&end_time=…Z&exclude=retweets
#   &tweet.fields=created_at,text,public_metrics,organic_metrics[&pagination_token=T], signed with the same OAuth 1.0a
#   user context as the ads client (the user must own the account for its non-public numbers). High: X's docs.
# - Paging: `meta.next_token` until absent; `data` absent on an empty answer (`meta.result_count` 0). High.
# - `organic_metrics` (impression_count, like_count, reply_count, retweet_count, url_link_clicks,
#   user_profile_clicks): the post's numbers without its promoted delivery, as the export's organic columns. Only
#   for posts of the last 30 days (medium); older posts fall back to `public_metrics` (impression_count, like_count,
#   reply_count, retweet_count, quote_count; promoted delivery included, clicks unknown).
# - Same 429 handling as the ads API (x-rate-limit-remaining / -reset headers). High.
# As in the export: clicks are url_link_clicks, shares are reposts (retweet_count), no video views.
POSTS_API_BASE = "https://api.x.com"
POSTS_API_VERSION = "2"
POSTS_PAGE_SIZE = 100  # max_results: 5..100
POST_FIELDS = ("created_at", "text", "public_metrics", "organic_metrics")
POSTS_EXCLUDE = "retweets"  # a repost of someone else's post is not the account's content
# The export's `Tweet id` (or the permalink's last part) is the API's post id: a post in both counts once.
POST_IDS_MATCH_EXPORT = True
# Posts older than 30 days have no organic_metrics: their public numbers are read, and their clicks are unknown.
POST_FIGURES = Figures(
    "post",
    required=("impression_count",),
    optional={"organic_metrics.url_link_clicks": "clicks", "like_count": "reactions", "reply_count": "comments",
              "retweet_count": "shares"},
)
POSTS_LOOKBACK_DAYS = 14  # a post's engagement is almost all in its first two weeks
