"""Google Ads campaign report (YouTube video campaigns): header names and formats.

Only rows whose campaign type is Video are YouTube; views are `Views`, renamed `TrueView views` in newer reports.
Conversions are `Conversions` as the report gives them: Google Ads counts there only the conversion actions set as
primary (`All conv.` adds the secondary ones and is never read), as the API's metrics.conversions.
"""

import re

from connectors.account_ids import AccountIdForm
from connectors.api_figures import Figures
from connectors.export_layout import ExportLanguage

EXPORT_LANGUAGES = (
    ExportLanguage(
        code="en",
        headers={
            "day": ("Day",),
            "campaign_id": ("Campaign ID",),
            "campaign_name": ("Campaign",),
            "campaign_type": ("Campaign type",),
            "currency": ("Currency code",),
            "spend": ("Cost",),
            "impressions": ("Impr.", "Impressions"),
            "clicks": ("Clicks",),
            "conversions": ("Conversions",),
            "platform_revenue": ("Conv. value",),
        },
        date_formats=("%Y-%m-%d",),
        decimal_separator=".",
    ),
)

# `Campaign ID` is not in the default columns (medium: public report samples lack it): a file without it is keyed
# by campaign name within the account (warehouse/campaign_names.py).
REQUIRED_FIELDS = ("day", "campaign_name", "campaign_type", "spend", "impressions", "clicks")

# The report downloads the table's columns (high: Google Ads help on modifying columns and segments).
ADD_COLUMN_HINT = (
    "add {columns} in Google Ads: Campaigns > Columns > Modify columns, Apply, then Download again (segmented by "
    "Segment > Time > Day)"
)

# A report without the Day segment has one row per campaign for the preamble's whole range (`"May 1, 2024 - May 31,
# 2024"`) and no `Day` column: it lacks a required column, and the message says how to add it (medium: the Segment
# menu's wording).
DAILY_HINT = "segment the report by day (Segment > Time > Day) and download it again"

# The campaign type as the report writes it in the languages above.
VIDEO_CAMPAIGN_TYPES = frozenset({"Video"})

# --- Google Ads API (searchStream) ---
API_BASE = "https://googleads.googleapis.com"
API_VERSION = "v22"  # metrics.video_trueview_views replaced video_views in v22
TOKEN_URL = "https://oauth2.googleapis.com/token"
QUERY = (
    "SELECT segments.date, campaign.id, campaign.name, customer.currency_code, metrics.cost_micros, "
    "metrics.impressions, metrics.clicks, metrics.video_trueview_views, metrics.conversions, "
    "metrics.conversions_value FROM campaign "
    "WHERE segments.date BETWEEN '{first}' AND '{last}' AND campaign.advertising_channel_type = 'VIDEO'"
)
# What a result must carry (else the answer is refused) and may garble (then unknown, NULL, noted). Proto3 JSON leaves
# zero metrics out: a metric absent is zero.
AD_FIGURES = Figures(
    "campaign day",
    required=("metrics.costMicros", "metrics.impressions", "metrics.clicks"),
    optional={"metrics.conversions": "conversions", "metrics.conversionsValue": "platform_revenue"},
    absent={metric: 0 for metric in ("metrics.costMicros", "metrics.impressions", "metrics.clicks",
                                     "metrics.conversions", "metrics.conversionsValue")},
)
WINDOW_DAYS = 30
LOOKBACK_DAYS = 14
# A customer id (an account's, or the manager's in ROI_GOOGLE_ADS_LOGIN_CUSTOMER_ID) is ten digits, shown as
# 123-456-7890 in the Google Ads UI and written without dashes in the API (customers/1234567890). Kept as the digits.
# High: Google Ads API docs.
ACCOUNT_ID = AccountIdForm(re.compile(r"(\d{3})-?(\d{3})-?(\d{4})"),
                           "a Google Ads customer id, 123-456-7890 or 1234567890")

# --- Organic posts: YouTube Studio "Table data.csv" (Analytics → Advanced mode → Content → Export → CSV) ---
# The download is a ZIP of `Table data.csv`, `Chart data.csv` and `Totals.csv`; only `Table data.csv` is read (drop
# it into the folder as it is). UTF-8, comma-separated; its first data row is `Total` (a totals row, never data);
# an em dash means no value. Its numbers are those of the date range chosen in Studio, not the video's lifetime.
# How sure: `Content` (the video id), `Video title`, `Video publish time`, `Views`, `Impressions`, `Duration`,
# `Watch time (hours)`, `Subscribers`, `Impressions click-through rate (%)` (high). `Likes`, `Shares`,
# `Comments added` (Studio's metric names; medium). Publish times like `Sep 3, 2026` (low: parsers say probably).
# Video views are `Views`. Studio gives no clicks: round(Impressions × CTR) is not exact, so clicks stay empty
# unless a `Clicks` column is there.
ORGANIC_LANGUAGES = (
    ExportLanguage(
        code="en",
        headers={
            "post_id": ("Content",),
            "published_at": ("Video publish time",),
            "title": ("Video title",),
            "impressions": ("Impressions",),
            "clicks": ("Clicks",),
            "reactions": ("Likes",),
            "comments": ("Comments added", "Comments"),
            "shares": ("Shares",),
            "video_views": ("Views",),
        },
        date_formats=("%b %d, %Y", "%B %d, %Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"),
        decimal_separator=".",
    ),
)
ORGANIC_REQUIRED_FIELDS = ("post_id", "published_at", "impressions")

# --- Organic videos through the YouTube Data API v3 (posts_source = "api"; page_id = the channel id, UC…) ---
# The OAuth client and refresh token are the Google Ads ones (same variables, same refresh at TOKEN_URL); the refresh
# token must have been granted the youtube.readonly scope too. No developer token is sent: it is Google Ads'.
# How sure each piece is:
# - GET https://www.googleapis.com/youtube/v3/channels?part=contentDetails&id={channel}: the channel's uploads
#   playlist in items[0].contentDetails.relatedPlaylists.uploads. High: Data API docs.
# - GET /youtube/v3/playlistItems?part=contentDetails&playlistId={uploads}&maxResults=50[&pageToken=T]: every upload's
#   contentDetails.videoId and videoPublishedAt; `nextPageToken` until absent. High. The list is read to its end
#   (its order is not promised), 1 quota unit a page.
# - GET /youtube/v3/videos?part=snippet,statistics&id=a,b,…(at most 50): snippet.publishedAt, snippet.title and
#   statistics.viewCount, likeCount, commentCount, lifetime counts written as strings; likeCount is absent when the
#   channel hides likes, commentCount when comments are off. High.
# - Errors: 403 with reason quotaExceeded / dailyLimitExceeded is the daily quota (10,000 units; it resets at midnight
#   Pacific time): the pull stops until then. 403 rateLimitExceeded / userRateLimitExceeded, 429 and 5xx are retried.
#   High for the reasons, medium for the reset time.
# No YouTube API gives a video's thumbnail impressions (the Analytics API's reports.query refuses them; only the
# Reporting API's daily bulk files carry them): a video's views stand for its impressions, so its engagement rate
# is per view. Shares are only in the Analytics API: they stay empty, like clicks.
DATA_API_BASE = "https://www.googleapis.com"
DATA_API_PATH = "/youtube/v3"
UPLOADS_PAGE_SIZE = 50
VIDEOS_PER_REQUEST = 50
QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})
RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
QUOTA_RESET_TIMEZONE = "America/Los_Angeles"
# likeCount is absent when the channel hides likes, commentCount when comments are off: unknown, noted.
POST_FIGURES = Figures(
    "post",
    required=("statistics.viewCount",),
    optional={"statistics.likeCount": "reactions", "statistics.commentCount": "comments"},
)
# Studio's `Content` is the video id the API gives: a video in both counts once.
POST_IDS_MATCH_EXPORT = True
POSTS_LOOKBACK_DAYS = 90  # a video keeps gathering views for months
