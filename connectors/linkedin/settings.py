"""LinkedIn Campaign Manager export: header names per language and how each language writes dates and numbers.

Campaign Manager switches the export's language by itself; a new language is one more entry in EXPORT_LANGUAGES.
LinkedIn's export carries no conversion value, so it has no platform revenue.
"""

from connectors.export_layout import ExportLanguage

EXPORT_LANGUAGES = (
    ExportLanguage(
        code="en",
        headers={
            "day": ("Start Date (in UTC)",),
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
REACH_FIELDS = ("approximateMemberReach", "impressions", "dateRange", "pivotValues")

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
POSTS_LOOKBACK_DAYS = 28  # a company post gathers impressions and reactions for weeks
