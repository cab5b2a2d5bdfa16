"""Meta Ads Manager export with a daily breakdown: header names per language and formats.

The account currency sits in the spend header, e.g. `Amount spent (EUR)`. Platform revenue is `Purchases conversion
value`, clicks `Link clicks` (the API's `inline_link_clicks`). Conversions are `Results` only where the row's
`Result indicator` is one of the account's `conversion_action_types` (see CONVERSION_RULE).

A row's day: the `Day` column of an export broken down by day that has one (`Reporting starts`/`Reporting ends` then
hold the whole report's range on every row); otherwise `Reporting starts`, and `Reporting ends` must be the same day.
"""

import re

from connectors.account_ids import AccountIdForm
from connectors.api_figures import Figures
from connectors.export_layout import ConversionRule, ExportLanguage

EXPORT_LANGUAGES = (
    ExportLanguage(
        code="en",
        headers={
            "day": ("Day",),
            "period_start": ("Reporting starts",),
            "period_end": ("Reporting ends",),
            "campaign_id": ("Campaign ID",),
            "campaign_name": ("Campaign name",),
            "spend": ("Amount spent ({currency})", "Amount spent"),
            "impressions": ("Impressions",),
            "clicks": ("Link clicks",),
            "conversions": ("Results",),
            "result_indicator": ("Result indicator",),
            "platform_revenue": ("Purchases conversion value",),
        },
        date_formats=("%Y-%m-%d",),
        decimal_separator=".",
    ),
    ExportLanguage(
        code="fr",
        headers={
            "day": ("Jour",),
            "period_start": ("Début des rapports",),
            "period_end": ("Fin des rapports",),
            "campaign_id": ("Identifiant de la campagne",),
            "campaign_name": ("Nom de la campagne",),
            "spend": ("Montant dépensé ({currency})", "Montant dépensé"),
            "impressions": ("Impressions",),
            "clicks": ("Clics sur un lien",),
            "conversions": ("Résultats",),
            "result_indicator": ("Indicateur de résultats",),
            "platform_revenue": ("Valeur de conversion des achats",),
        },
        date_formats=("%Y-%m-%d",),
        decimal_separator=",",
    ),
)

# What counts as a conversion, in the export (CONVERSION_RULE) as in the API, unless the account's
# conversion_action_types say otherwise.
DEFAULT_CONVERSION_ACTION_TYPES = ("offsite_conversion.fb_pixel_purchase",)

# Where Ads Manager adds a column to the table it exports (high: Meta's help on customizing columns).
ADD_COLUMN_HINT = (
    "add {columns} in Ads Manager: Columns > Customize columns, tick each, Apply, then Reports > Export table data "
    "again (with Breakdown > By time > Day)"
)

# How sure each header is: `Reporting starts`, `Reporting ends`, `Results`, `Result indicator` (high: many public
# parsers); the French `Début des rapports`, `Résultats` (medium), `Fin des rapports`, `Indicateur de résultats`
# (medium: the French export the sample reproduces). `Day`, the column of an export broken down by day where Ads
# Manager adds one (medium); its French `Jour` (low: a guess by analogy).
# A row's day is `Day`, or without it `Reporting starts` (the format's period).
PERIOD = ("period_start", "period_end")
# `Campaign ID` is not in Ads Manager's default columns (high: the Performance presets lack it): a file without it
# is keyed by campaign name within the account (warehouse/campaign_names.py).
REQUIRED_FIELDS = ("day", "campaign_name", "spend", "impressions", "clicks")

# How to download an export with one row per campaign and day.
DAILY_HINT = "export again with Breakdown > By time > Day"

# What `Results` count depends on each campaign's objective; its `Result indicator` says what, as
# `actions:<action type>` (`actions:offsite_conversion.fb_pixel_purchase`, `actions:link_click`, `actions:lead`) or a
# bare metric (`reach`, `profile_visit_view`). High: seen in several public parsers. Results are conversions
# only where the indicator is one of the account's conversion_action_types (DEFAULT_CONVERSION_ACTION_TYPES above
# unless configured), as the API counts them; a reach campaign's people reached are not conversions.
CONVERSION_RULE = ConversionRule(indicator="result_indicator", written_as="actions:{}",
                                 default_types=DEFAULT_CONVERSION_ACTION_TYPES)

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
# What a daily insights row must carry (else the answer is refused) and may leave out or garble (then unknown, NULL,
# noted). Meta leaves `inline_link_clicks` out when nobody clicked (zero), `actions`/`action_values` when there were
# none (no conversion: NULL, as the export's blank `Results`).
AD_FIGURES = Figures(
    "campaign day",
    required=("spend", "impressions", "inline_link_clicks"),
    optional={"actions": "conversions", "action_values": "platform_revenue"},
    absent={"inline_link_clicks": 0, "actions": (), "action_values": ()},
)
PAGE_LIMIT = 500
WINDOW_DAYS = 30
# One purchase is reported under several action types at once (purchase, omni_purchase, the pixel's): the first
# configured type present is taken, never their sum (DEFAULT_CONVERSION_ACTION_TYPES, above, unless configured).
# Rate-limit error codes, sent with HTTP 400.
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, *range(80000, 80009)})
TOKEN_ERROR_CODE = 190
USAGE_HEADERS = ("x-business-use-case-usage", "x-ad-account-usage")
LOOKBACK_DAYS = 28
# The ad account id as people copy it: `act_1234567890` (Graph API paths, Business Manager URLs, most docs) or the
# digits alone. Kept as the digits; the API client writes `act_` before them once. High: Graph API docs.
ACCOUNT_ID = AccountIdForm(re.compile(r"(?:act_)?(\d+)"), "a Meta ad account id, 1234567890 or act_1234567890")

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
REACH_FIGURES = Figures("week", required=("impressions",), optional={"reach": "reach"})

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
# `shares` is left out when nobody shared (zero); a click type nobody used is left out of post_clicks_by_type (zero).
POST_FIGURES = Figures(
    "post",
    required=(POST_IMPRESSIONS_METRIC,),
    optional={
        POST_CLICKS_METRIC: "clicks",
        "reactions.summary.total_count": "reactions",
        "comments.summary.total_count": "comments",
        "shares.count": "shares",
        POST_VIDEO_VIEWS_METRIC: "video_views",
    },
    absent={"shares.count": 0},
)
# The export's `Post ID` is the API's `<page id>_<post id>`: a post in both counts once.
POST_IDS_MATCH_EXPORT = True
POSTS_LOOKBACK_DAYS = 28  # page posts keep gathering reach and reactions for weeks (and Meta restates for 28 days)
