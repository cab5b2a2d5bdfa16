"""LinkedIn Campaign Manager export: header names per language and how each language writes dates and numbers.

Campaign Manager switches the export's language by itself; a new language is one more entry in EXPORT_LANGUAGES.
LinkedIn's export carries no conversion value, so it has no platform revenue. Conversions are `Conversions` as the
export reports them (the conversions the campaigns track, as the API's externalWebsiteConversions).
"""

import re

from connectors.account_ids import AccountIdForm
from connectors.api_figures import Figures
from connectors.export_layout import ExportLanguage, PreamblePeriod

EXPORT_LANGUAGES = (
    ExportLanguage(
        code="en",
        headers={
            "day": ("Start Date (in UTC)",),
            "period_end": ("End Date (in UTC)",),
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
            "period_end": ("Einddatum (in UTC)",),
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

# Older reports name campaigns without a `Campaign ID` column (medium: a public SAS job's creative report): such a
# file is keyed by campaign name within the account (warehouse/campaign_names.py).
REQUIRED_FIELDS = ("day", "campaign_name", "spend", "impressions", "clicks")

# Campaign Manager's Export dialog picks the columns by report type (medium: its help and public parsers).
ADD_COLUMN_HINT = (
    "export again from Campaign Manager with report type 'Campaign performance' and time breakdown 'Daily', "
    "whose columns include {columns}"
)

# A row's day is `Start Date (in UTC)`; where the export also has `End Date (in UTC)` (seen in one public parser:
# medium; its Dutch `Einddatum (in UTC)`: low, by analogy), a row must end on the day it starts.
PERIOD = ("day", "period_end")

# The preamble names the report's range: `"Report Start: September 1, 2026, 12:00 AM"` and `"Report End: September
# 30, 2026, 11:59 PM"` (high: several sources), Dutch `Begindatum van rapport: 23 september 2026 00:00` and
# `Einddatum van rapport: …` (medium: one real export). Campaign Manager's time breakdowns are All, Daily and Monthly
# (medium): with All, one row per campaign holds the whole range, dated its first day; with Monthly, one per month.
# Such a file, all rows on the range's first day or on firsts of months, is refused (warehouse/exports.py).
PREAMBLE_PERIODS = (
    PreamblePeriod(
        start=r"Report Start: (?P<month>[^\W\d_]+) (?P<day>\d{1,2}), (?P<year>\d{4})",
        end=r"Report End: (?P<month>[^\W\d_]+) (?P<day>\d{1,2}), (?P<year>\d{4})",
        months=("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December"),
    ),
    PreamblePeriod(
        start=r"Begindatum van rapport: (?P<day>\d{1,2}) (?P<month>[^\W\d_]+) (?P<year>\d{4})",
        end=r"Einddatum van rapport: (?P<day>\d{1,2}) (?P<month>[^\W\d_]+) (?P<year>\d{4})",
        months=("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
                "november", "december"),
    ),
)

# How to download an export with one row per campaign and day.
DAILY_HINT = "download it again from Campaign Manager with Time breakdown: Daily"

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
# What a daily element must carry (else the answer is refused) and may leave out (then unknown, NULL, noted).
AD_FIGURES = Figures(
    "campaign day",
    required=("costInLocalCurrency", "impressions", "clicks"),
    optional={"externalWebsiteConversions": "conversions", "conversionValueInLocalCurrency": "platform_revenue"},
)
WINDOW_DAYS = 30  # responses are capped at about 15,000 elements
CAMPAIGNS_PER_REQUEST = 20  # long URLs get 414
CAMPAIGN_URN = "urn:li:sponsoredCampaign:"
DAILY_LIMIT_MARKER = "DAY limit"  # in the 429 message of a daily quota, which resets at midnight UTC
TOKEN_ERROR_CODES = {65600, 65601}  # invalid, revoked
LOOKBACK_DAYS = 7

# --- Organic posts: the page content export (Page analytics → Content → Export, the "All posts" sheet) ---
# LinkedIn downloads it as an .xls workbook; the pipeline reads it saved as .csv: Excel's "CSV UTF-8" gives UTF-8
# with a BOM and commas (what the sample uses), "Unicode text" UTF-16 LE with tabs; both are read. The sheet's
# one-line description above the header stays: the header is found by its content.
# How sure each header is: `Post title`, `Post link`, `Post type`, `Created date`, `Impressions`, `Clicks`, `Likes`,
# `Comments`, `Reposts`, `Views (excluding off-site video views)`: seen in public parsers of the export (high).
# `Date` and `Shares` are the same columns in older exports (medium: seen in parsers). `Post ID`, `Post URL`,
# `Update link`, `Update title`, `Reactions`, `Video views`: guesses for renamed columns (low).
# A post link (https://www.linkedin.com/feed/update/urn:li:activity:7240…) gives the post id `urn:li:activity:7240…`.
# Created dates are M/D/YYYY in the English export, with no time of day; an Excel of another locale may rewrite them
# when it saves the .csv (not handled: save from an English Excel or add a language here).
ORGANIC_LANGUAGES = (
    ExportLanguage(
        code="en",
        headers={
            "post_id": ("Post ID", "Post link", "Post URL", "Update link"),
            "published_at": ("Created date", "Date", "Posted on"),
            "title": ("Post title", "Update title"),
            "post_type": ("Post type",),
            "impressions": ("Impressions",),
            "clicks": ("Clicks",),
            "reactions": ("Likes", "Reactions"),
            "comments": ("Comments",),
            "shares": ("Reposts", "Shares"),
            "video_views": ("Views (excluding off-site video views)", "Video views"),
        },
        date_formats=("%m/%d/%Y", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"),
        decimal_separator=".",
    ),
)
ORGANIC_REQUIRED_FIELDS = ("post_id", "published_at", "impressions")
# The sheet lists sponsored posts too (their delivery is in the Campaign Manager export already): only rows whose
# `Post type` is one of these are organic posts. A file without that column keeps every row.
ORGANIC_POST_TYPES = frozenset({"Organic"})

# Weekly reach: one account-pivot request per ISO week, granularity ALL (reach is not additive over days).
# approximateMemberReach is LinkedIn's estimate of unique members reached; date ranges up to 92 days.
ACCOUNT_URN = "urn:li:sponsoredAccount:"
# The ad account's number, as Campaign Manager shows it (its URLs: /campaignmanager/accounts/508765432/), or the
# API's URN of it, urn:li:sponsoredAccount:508765432. Kept as the number. High: Marketing API docs.
ACCOUNT_ID = AccountIdForm(re.compile(rf"(?:{re.escape(ACCOUNT_URN)})?(\d+)"),
                           "a LinkedIn ad account id, 508765432 or urn:li:sponsoredAccount:508765432")
REACH_FIELDS = ("approximateMemberReach", "impressions", "dateRange", "pivotValues")
# LinkedIn may leave approximateMemberReach out (too few members to estimate): the week's reach is then unknown.
REACH_FIGURES = Figures("week", required=("impressions",), optional={"approximateMemberReach": "reach"})

# --- Organic posts through the API (an account with posts_source = "api"; page_id = the organization id) ---
# How sure each piece is:
# - Posts of a company page: GET /rest/posts?author=urn%3Ali%3Aorganization%3A{id}&q=author&count=N&start=S
#   &sortBy=CREATED (the Posts API's "find posts by authors" finder; Rest.li 2.0 and LinkedIn-Version headers as the
#   ads client; scope r_organization_social). High: LinkedIn's docs and many public clients. sortBy=CREATED as newest
#   first: medium (LAST_MODIFIED is the default). Offset paging by start/count: high; `paging.links` with rel
#   "next" while more follow: medium (a full page is also taken to mean more may follow).
# - Elements: `id` (urn:li:share:… or urn:li:ugcPost:…), `createdAt` and `publishedAt` (epoch milliseconds),
#   `commentary` (the text), `lifecycleState` (PUBLISHED, DRAFT, …) and `distribution.feedDistribution` (MAIN_FEED;
#   NONE for a "dark" post that only runs as an ad, which is paid delivery and not an organic post). High.
# - Lifetime numbers of given posts: GET /rest/organizationalEntityShareStatistics?q=organizationalEntity
#   &organizationalEntity=urn%3Ali%3Aorganization%3A{id}&shares=List(…) (or &ugcPosts=List(…)), one element per post
#   naming it in `share` or `ugcPost`, its numbers in `totalShareStatistics`: impressionCount, clickCount, likeCount,
#   commentCount, shareCount (scope rw_organization_admin). High for the shape; at most 20 posts a request: medium
#   (public clients batch by 20); only the last 12 months are kept: high (LinkedIn's docs).
# - Video views are another endpoint (videoAnalytics): not read, they stay empty.
# The page content export names a post by its activity (urn:li:activity:…), the API by its share or ugcPost: the two
# are different numbers and no documented call maps one to the other, so a post in both cannot be recognised as one.
# Keep a LinkedIn page on one source; the posts asset's `posts_counted_once` check fails when a page has both.
POST_IDS_MATCH_EXPORT = False
ORGANIZATION_URN = "urn:li:organization:"
POSTS_PAGE_SIZE = 100  # the finder's maximum count
POSTS_SORT = "CREATED"
# Posts are listed newest created first; listing stops at the first post created this long before the window (a
# post scheduled in advance is created before it is published; LinkedIn schedules up to three months ahead).
SCHEDULED_AHEAD_DAYS = 92
POST_STATISTICS_BATCH = 20
POST_FIGURES = Figures(
    "post",
    required=("impressionCount",),
    optional={"clickCount": "clicks", "likeCount": "reactions", "commentCount": "comments", "shareCount": "shares"},
)
POSTS_LOOKBACK_DAYS = 28  # a company post gathers impressions and reactions for weeks
