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

# `Campaign ID` is not in Ads Manager's default columns (high: the Performance presets lack it): a file without it
# is keyed by campaign name within the account (warehouse/campaign_names.py).
REQUIRED_FIELDS = ("day", "day_end", "campaign_name", "spend", "impressions", "clicks")

# Where Ads Manager adds a column to the table it exports (high: Meta's help on customizing columns).
ADD_COLUMN_HINT = (
    "add {columns} in Ads Manager: Columns > Customize columns, tick each, Apply, then Reports > Export table data "
    "again (with Breakdown > By time > Day)"
)

NO_DAILY_BREAKDOWN_HINT = (
    "the export has no daily breakdown and a row covering several days cannot be split into days; "
    "export again with Breakdown > By time > Day"
)

# --- Marketing API insights ---
API_BASE = "https://graph.facebook.com"
API_VERSION = "v25.0"
INSIGHT_FIELDS = (
    "campaign_id",
    "campaign_name",
    "account_currency",
    "spend",
    "impressions",
    "inline_link_clicks",  # the CSV's `Link clicks`
    "actions",
    "action_values",
)
PAGE_LIMIT = 500
WINDOW_DAYS = 30
# One purchase is reported under several action types at once (purchase, omni_purchase, the pixel's): the first
# configured type present is taken, never their sum.
DEFAULT_CONVERSION_ACTION_TYPES = ("offsite_conversion.fb_pixel_purchase",)
# Rate-limit error codes, sent with HTTP 400.
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, *range(80000, 80009)})
TOKEN_ERROR_CODE = 190
USAGE_HEADERS = ("x-business-use-case-usage", "x-ad-account-usage")
LOOKBACK_DAYS = 28

# --- Organic posts: the page posts export (Meta Business Suite → Insights → Content → Export) ---
# UTF-8 with a BOM, comma-separated, one row per post with its lifetime numbers: `Post ID` (`<page id>_<post id>`),
# `Page ID`, `Page name`, `Title`, `Description`, `Publish time` (`09/03/2026 14:05`, probably the page's time zone),
# `Post type`, `Permalink`, `Reach`, `Impressions` (or `Views`), `Reactions`, `Comments`, `Shares`, `Total clicks`,
# `Link clicks`, `Other Clicks`, `Seconds viewed`, `3-second video views`, other columns ignored. Multi-line post
# texts are quoted.
# How sure: `Post ID`, `Page ID`, `Title`, `Description`, `Publish time` and its format, `Permalink`, `Reach`,
# `Reactions`, `Comments`, `Shares`, `Link clicks` (high: seen in public importers of this export). `Impressions`
# (high for exports before 2025; Meta then renamed impressions `Views`, read as the same measure: medium).
# `Total clicks`, `3-second video views` (medium). `Posted`, `Post Message`, `Video views` (low: older exports).
# Clicks are `Link clicks` as on the paid side; `Total clicks` only where a file has no `Link clicks`.
# The title is `Title` (video titles; often blank for a plain post, whose text is `Description`).
ORGANIC_LANGUAGES = (
    ExportLanguage(
        code="en",
        headers={
            "post_id": ("Post ID",),
            "published_at": ("Publish time", "Posted"),
            "title": ("Title", "Description", "Post Message"),
            "impressions": ("Impressions", "Views"),
            "clicks": ("Link clicks", "Total clicks"),
            "reactions": ("Reactions",),
            "comments": ("Comments",),
            "shares": ("Shares",),
            "video_views": ("3-second video views", "Video views"),
        },
        date_formats=("%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"),
        decimal_separator=".",
    ),
)
ORGANIC_REQUIRED_FIELDS = ("post_id", "published_at", "impressions")

# Weekly reach: one account-level request per ISO week over the whole week (reach is not additive over days).
REACH_LEVEL = "account"
REACH_FIELDS = ("reach", "impressions")

# --- Organic posts through the API (posts_source = "api"; page_id = the Facebook page id) ---
# How sure each piece is:
# - GET /v25.0/{page-id}/posts?fields=…&since=<unix>&until=<unix>&limit=N, the token in the Authorization header
#   (ROI_META_TOKEN, which then needs pages_read_engagement and read_insights on the page). High: Graph API docs.
# - Paging by `paging.next` (an absolute URL carrying the access token: followed without it, as for insights). High.
# - `id` is `<page id>_<post id>`, as the export's `Post ID`: a post in both counts once. High.
# - `created_time` like `2026-09-03T12:05:00+0000`. High.
# - `reactions.summary(total_count).limit(0)`, `comments.summary(total_count).limit(0)`: `summary.total_count`.
#   High. `shares` is `{"count": N}`, absent when nobody shared (zero). High.
# - Lifetime numbers through the field expansion `insights.metric(…)`: `insights.data[]` of `{name, period, values:
#   [{value}]}`. High for the shape. Metric names: `post_media_view` (views: Meta replaced `post_impressions` by it in
#   2025, as the export's `Impressions` became `Views`; medium), `post_clicks_by_type` (a dict; its "link clicks" as
#   the export's `Link clicks`; medium), `post_video_views` (3-second views; medium). A metric Meta no longer knows
#   fails the whole request (error #100): change the name here.
# - Rate limits and expired tokens: as the ads client (codes 4, 17, 32, 613, 190). High.
POSTS_PAGE_LIMIT = 100
POST_IMPRESSIONS_METRIC = "post_media_view"
POST_CLICKS_METRIC = "post_clicks_by_type"
POST_CLICK_TYPE = "link clicks"
POST_VIDEO_VIEWS_METRIC = "post_video_views"
POST_FIELDS = (
    "id",
    "created_time",
    "message",
    "shares",
    "reactions.summary(total_count).limit(0)",
    "comments.summary(total_count).limit(0)",
    f"insights.metric({POST_IMPRESSIONS_METRIC},{POST_CLICKS_METRIC},{POST_VIDEO_VIEWS_METRIC})",
)
# The export's `Post ID` is the API's `<page id>_<post id>`: a post in both counts once.
POST_IDS_MATCH_EXPORT = True
POSTS_LOOKBACK_DAYS = 28  # page posts keep gathering reach and reactions for weeks (and Meta restates for 28 days)
