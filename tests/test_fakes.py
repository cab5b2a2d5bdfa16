"""The fake ad platforms answer the real shapes, paginate, validate like the real APIs, and replay scripted failures."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.fakes import CampaignDay, nth, parse_restli
from tests.fakes.fixtures import (
    GOOGLE_ACCESS_TOKEN,
    GOOGLE_CLIENT_ID,
    GOOGLE_CLIENT_SECRET,
    GOOGLE_DEVELOPER_TOKEN,
    GOOGLE_LOGIN_CUSTOMER_ID,
    GOOGLE_REFRESH_TOKEN,
    LINKEDIN_TOKEN,
    META_TOKEN,
    X_ACCESS_SECRET,
    X_ACCESS_TOKEN,
    X_CONSUMER_KEY,
    X_CONSUMER_SECRET,
    fake_platforms,  # noqa: F401
)

SEP = date(2026, 9, 1)
LI_ACCOUNT, X_ACCOUNT, META_ACCOUNT, GOOGLE_CUSTOMER = "507404993", "18ce54d4x5t", "1234567890", "1234567890"
LI_HEADERS = {
    "Authorization": f"Bearer {LINKEDIN_TOKEN}",
    "LinkedIn-Version": "202601",
    "X-Restli-Protocol-Version": "2.0.0",
}
LI_FIELDS = (
    "dateRange,pivotValues,impressions,clicks,costInLocalCurrency,externalWebsiteConversions,"
    "conversionValueInLocalCurrency"
)


def day(
    offset,
    campaign_id,
    spend="10.00",
    impressions=1000,
    clicks=20,
    conversions=0,
    revenue="0",
    currency="EUR",
    name=None,
):
    return CampaignDay(
        SEP + timedelta(offset),
        campaign_id,
        name or f"Campaign {campaign_id}",
        currency,
        Decimal(spend),
        impressions,
        clicks,
        Decimal(conversions),
        Decimal(revenue),
    )


def li_analytics_query(campaigns, start=SEP, end=SEP + timedelta(6), fields=LI_FIELDS, old_style=False):
    urns = ",".join(f"urn%3Ali%3AsponsoredCampaign%3A{cid}" for cid in campaigns)
    pivot = (
        "pivot=CAMPAIGN&timeGranularity=DAILY" if old_style else "pivot=(value:CAMPAIGN)&timeGranularity=(value:DAILY)"
    )
    def restli_date(d):
        return f"(year:{d.year},month:{d.month},day:{d.day})"

    return (
        f"q=analytics&{pivot}&dateRange=(start:{restli_date(start)},end:{restli_date(end)})"
        f"&campaigns=List({urns})&fields={fields}"
    )


def x_auth(secret=X_CONSUMER_SECRET):
    oauth = pytest.importorskip("requests_oauthlib", reason="requests-oauthlib signs the X requests")
    return oauth.OAuth1(X_CONSUMER_KEY, secret, X_ACCESS_TOKEN, X_ACCESS_SECRET)


def gaql(start="2026-09-01", end="2026-09-07", video=True):
    query = (
        "SELECT segments.date, campaign.id, campaign.name, customer.currency_code, metrics.cost_micros, "
        "metrics.impressions, metrics.clicks, metrics.video_trueview_views, metrics.conversions, "
        f"metrics.conversions_value FROM campaign WHERE segments.date BETWEEN '{start}' AND '{end}'"
    )
    return {"query": query + (" AND campaign.advertising_channel_type = 'VIDEO'" if video else "")}


GOOGLE_HEADERS = {
    "Authorization": f"Bearer {GOOGLE_ACCESS_TOKEN}",
    "developer-token": GOOGLE_DEVELOPER_TOKEN,
    "login-customer-id": GOOGLE_LOGIN_CUSTOMER_ID,
}


# --- LinkedIn ---------------------------------------------------------------------------------------------------------


def test_linkedin_campaigns_follow_next_page_token(fake_platforms):
    fakes = fake_platforms
    fakes.linkedin.campaign_page_size = 2
    fakes.linkedin.set_days(LI_ACCOUNT, [day(0, str(300 + n)) for n in range(5)])
    fakes.linkedin.add_campaign(LI_ACCOUNT, "399", "Draft one", status="DRAFT")
    url = f"{fakes.base_url}/rest/adAccounts/{LI_ACCOUNT}/adCampaigns"
    ids, pages, token = [], 0, None
    while True:
        query = "q=search&search=(status:(values:List(ACTIVE,PAUSED)))&pageSize=500"
        body = requests.get(
            url + "?" + query + (f"&pageToken={token}" if token else ""), headers=LI_HEADERS, timeout=5
        ).json()
        pages += 1
        ids += [element["id"] for element in body["elements"]]
        assert all(element["account"] == f"urn:li:sponsoredAccount:{LI_ACCOUNT}" for element in body["elements"])
        token = body["metadata"].get("nextPageToken")
        if token is None:
            break
    assert pages == 3 and ids == [300, 301, 302, 303, 304]  # ints; the DRAFT campaign filtered out by status


def test_linkedin_analytics_real_shape_only_days_with_delivery(fake_platforms):
    fakes = fake_platforms
    fakes.linkedin.set_days(
        LI_ACCOUNT,
        [
            day(0, "312345678", "209.449", 19090, 100, 3, "150.00"),
            day(1, "312345678", "0", 0, 0),  # no delivery: absent
            day(2, "312345678", "5.5", 300, 4),
            day(0, "312345679", "1.000", 10, 1),
            day(9, "312345679", "99", 10, 1),  # outside the window
        ],
    )
    url = f"{fakes.base_url}/rest/adAnalytics?" + li_analytics_query(["312345678", "312345679"])
    response = requests.get(url, headers=LI_HEADERS, timeout=5)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["paging"] == {"start": 0, "count": 10, "links": []}
    assert body["elements"][0] == {
        "dateRange": {"start": {"year": 2026, "month": 9, "day": 1}, "end": {"year": 2026, "month": 9, "day": 1}},
        "pivotValues": ["urn:li:sponsoredCampaign:312345678"],
        "impressions": 19090,
        "clicks": 100,
        "costInLocalCurrency": "209.449",
        "externalWebsiteConversions": 3,
        "conversionValueInLocalCurrency": "150.00",
    }
    seen = [(e["pivotValues"][0][-3:], e["dateRange"]["start"]["day"]) for e in body["elements"]]
    assert seen == [("678", 1), ("679", 1), ("678", 3)]
    # only the fields asked for; the old plain pivot style is accepted too
    old = requests.get(
        f"{fakes.base_url}/rest/adAnalytics?"
        + li_analytics_query(["312345678"], fields="pivotValues,impressions", old_style=True),
        headers=LI_HEADERS,
        timeout=5,
    ).json()
    assert old["elements"][0] == {"pivotValues": ["urn:li:sponsoredCampaign:312345678"], "impressions": 19090}
    assert fakes.requests[0].query_string.startswith("q=analytics&pivot=(value:CAMPAIGN)")  # raw, as sent


def test_linkedin_rejects_wrong_restli_encoding_and_too_many_fields(fake_platforms):
    fakes = fake_platforms
    fakes.linkedin.put(LI_ACCOUNT, day(0, "312345678"))
    url = f"{fakes.base_url}/rest/adAnalytics"
    params = {  # requests' standard encoding percent-encodes ( ) , : -- which LinkedIn rejects
        "q": "analytics",
        "pivot": "(value:CAMPAIGN)",
        "timeGranularity": "(value:DAILY)",
        "dateRange": "(start:(year:2026,month:9,day:1),end:(year:2026,month:9,day:7))",
        "campaigns": "List(urn:li:sponsoredCampaign:312345678)",
        "fields": LI_FIELDS,
    }
    over_encoded = requests.get(url, params=params, headers=LI_HEADERS, timeout=5)
    assert "%28" in fakes.requests[-1].query_string
    assert over_encoded.status_code == 400 and over_encoded.json()["status"] == 400
    unencoded_urn = li_analytics_query(["312345678"]).replace(
        "urn%3Ali%3AsponsoredCampaign%3A", "urn:li:sponsoredCampaign:"
    )
    response = requests.get(f"{url}?{unencoded_urn}", headers=LI_HEADERS, timeout=5)
    assert response.status_code == 400 and "percent-encoded" in response.json()["message"]
    double_encoded = li_analytics_query(["312345678"]).replace("%3A", "%253A")
    assert requests.get(f"{url}?{double_encoded}", headers=LI_HEADERS, timeout=5).status_code == 400
    many = li_analytics_query(["312345678"], fields=",".join(["impressions"] * 21))
    response = requests.get(f"{url}?{many}", headers=LI_HEADERS, timeout=5)
    assert response.status_code == 400 and "20 fields" in response.json()["message"]
    assert requests.get(f"{url}?{li_analytics_query(['312345678'])}", headers=LI_HEADERS, timeout=5).status_code == 200
    assert parse_restli("(start:(year:2026,month:9,day:1))") == {"start": {"year": "2026", "month": "9", "day": "1"}}


def test_linkedin_auth_version_and_canned_errors(fake_platforms):
    fakes = fake_platforms
    fakes.linkedin.put(LI_ACCOUNT, day(0, "312345678"))
    url = f"{fakes.base_url}/rest/adAnalytics?" + li_analytics_query(["312345678"])
    no_version = {key: value for key, value in LI_HEADERS.items() if key != "LinkedIn-Version"}
    response = requests.get(url, headers=no_version, timeout=5)
    assert response.status_code == 400 and response.json()["code"] == "VERSION_MISSING"
    wrong = requests.get(url, headers={**LI_HEADERS, "Authorization": "Bearer nope"}, timeout=5)
    assert wrong.status_code == 401 and wrong.json()["serviceErrorCode"] == 65600
    fakes.linkedin.daily_quota()
    fakes.linkedin.revoked_token()
    quota = requests.get(url, headers=LI_HEADERS, timeout=5)
    assert quota.status_code == 429 and "Retry-After" not in quota.headers
    assert quota.json()["serviceErrorCode"] == 101 and "DAY limit" in quota.json()["message"]
    revoked = requests.get(url, headers=LI_HEADERS, timeout=5)
    assert revoked.status_code == 401 and revoked.json()["code"] == "REVOKED_ACCESS_TOKEN"
    assert requests.get(url, headers=LI_HEADERS, timeout=5).status_code == 200
    assert [r.status for r in fakes.requests] == [400, 401, 429, 401, 200]


# --- X ----------------------------------------------------------------------------------------------------------------


def test_x_campaigns_follow_next_cursor(fake_platforms):
    fakes = fake_platforms
    fakes.twitter.campaign_page_size = 2
    fakes.twitter.set_days(X_ACCOUNT, [day(0, f"2wap{n}", currency="USD") for n in range(4)])
    fakes.twitter.add_campaign(X_ACCOUNT, "2gone", "Deleted", deleted=True)
    url = f"{fakes.base_url}/12/accounts/{X_ACCOUNT}/campaigns"
    ids, pages, cursor = [], 0, None
    while True:
        params = {"count": 200, "with_deleted": "true", **({"cursor": cursor} if cursor else {})}
        response = requests.get(url, params=params, auth=x_auth(), timeout=5)
        assert response.status_code == 200, response.text
        body = response.json()
        pages += 1
        assert body["data_type"] == "campaign" and body["total_count"] == 5
        ids += [campaign["id"] for campaign in body["data"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and ids == ["2gone", "2wap0", "2wap1", "2wap2", "2wap3"]
    without_deleted = requests.get(url, params={"count": 1000}, auth=x_auth(), timeout=5).json()
    assert [c["id"] for c in without_deleted["data"]] == ["2wap0", "2wap1"] and without_deleted["data"][0][
        "currency"
    ] == "USD"


def test_x_stats_real_shape_nulls_micros_and_rate_limit_headers(fake_platforms):
    fakes = fake_platforms
    fakes.twitter.add_account(X_ACCOUNT, timezone="America/Los_Angeles")
    fakes.twitter.set_days(
        X_ACCOUNT,
        [
            day(0, "2wap7", "41.27", 18342, 301, 2, "99.98", currency="USD"),
            day(1, "2wap7", "38.9", 17011, 280, currency="USD"),
            day(7, "2wap7", "1", 1, 1, currency="USD"),  # end is exclusive
        ],
    )
    fakes.twitter.add_campaign(X_ACCOUNT, "2wamv", "Idle", currency="USD")
    params = {
        "entity": "CAMPAIGN",
        "entity_ids": "2wap7,2wamv",
        "start_time": "2026-09-01T07:00:00Z",
        "end_time": "2026-09-08T07:00:00Z",
        "granularity": "DAY",
        "placement": "ALL_ON_TWITTER",
        "metric_groups": "ENGAGEMENT,BILLING,WEB_CONVERSION",
    }
    response = requests.get(f"{fakes.base_url}/12/stats/accounts/{X_ACCOUNT}", params=params, auth=x_auth(), timeout=5)
    assert response.status_code == 200, response.text
    assert all(
        name in response.headers for name in ("x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset")
    )
    body = response.json()
    assert body["data_type"] == "stats" and body["time_series_length"] == 7
    metrics = body["data"][0]["id_data"][0]["metrics"]
    assert body["data"][0]["id_data"][0]["segment"] is None
    assert metrics["impressions"] == [18342, 17011, 0, 0, 0, 0, 0]
    assert metrics["clicks"] == [301, 280, 0, 0, 0, 0, 0]
    assert all(u < c for u, c in zip(metrics["url_clicks"][:2], metrics["clicks"][:2], strict=True))
    assert metrics["billed_charge_local_micro"] == [41270000, 38900000, 0, 0, 0, 0, 0]
    assert metrics["conversion_purchases"]["metric"] == [2, 0, 0, 0, 0, 0, 0]
    assert metrics["conversion_purchases"]["sale_amount"] == [99980000, 0, 0, 0, 0, 0, 0]
    assert metrics["follows"] is None
    idle = body["data"][1]["id_data"][0]["metrics"]
    assert idle["impressions"] is None and idle["billed_charge_local_micro"] is None
    assert idle["conversion_purchases"]["metric"] is None
    assert body["request"]["params"]["entity_ids"] == ["2wap7", "2wamv"]


def test_x_stats_window_validation_and_signature(fake_platforms):
    fakes = fake_platforms
    fakes.twitter.add_account(X_ACCOUNT, [day(0, "2wap7", currency="USD")], timezone="America/Los_Angeles")
    url = f"{fakes.base_url}/12/stats/accounts/{X_ACCOUNT}"
    base = {
        "entity": "CAMPAIGN",
        "entity_ids": "2wap7",
        "start_time": "2026-09-01T07:00:00Z",
        "end_time": "2026-09-08T07:00:00Z",
        "granularity": "DAY",
        "placement": "ALL_ON_TWITTER",
        "metric_groups": "ENGAGEMENT,BILLING",
    }

    def status(**changes):
        response = requests.get(url, params={**base, **changes}, auth=x_auth(), timeout=5)
        if response.status_code == 400:
            assert response.json()["errors"][0]["code"] == "INVALID_PARAMETER"
        return response.status_code

    assert status() == 200
    assert status(end_time="2026-09-09T07:00:00Z") == 400  # 8 days
    assert status(start_time="2026-09-01T00:00:00Z") == 400  # UTC midnight is 17:00 in Los Angeles
    assert status(start_time="2026-09-01T07:30:00Z") == 400  # not a whole hour
    assert status(entity_ids=",".join(["2wap7"] * 21)) == 400
    assert status(end_time="2026-09-01T07:00:00Z") == 400  # empty window
    assert status(start_time="2026-09-01T00:00:00-07:00", end_time="2026-09-02T00:00:00-07:00") == 200
    forged = requests.get(url, params=base, auth=x_auth(secret="wrong-secret"), timeout=5)
    assert forged.status_code == 401 and forged.json()["errors"][0]["code"] == "UNAUTHORIZED_ACCESS"
    unsigned = requests.get(url, params=base, timeout=5)
    assert unsigned.status_code == 401 and "x-rate-limit-reset" in unsigned.headers


def test_x_canned_rate_limit_and_over_capacity_then_success(fake_platforms):
    fakes = fake_platforms
    fakes.twitter.add_account(X_ACCOUNT, [day(0, "2wap7", currency="USD")])
    fakes.twitter.rate_limited(reset_epoch=1788222600)
    fakes.twitter.over_capacity(retry_after=7)
    url = f"{fakes.base_url}/12/accounts/{X_ACCOUNT}/campaigns"
    limited = requests.get(url, auth=x_auth(), timeout=5)
    assert limited.status_code == 429 and limited.json()["errors"][0]["code"] == "TOO_MANY_REQUESTS"
    assert limited.headers["x-rate-limit-remaining"] == "0" and limited.headers["x-rate-limit-reset"] == "1788222600"
    busy = requests.get(url, auth=x_auth(), timeout=5)
    assert busy.status_code == 503 and busy.headers["retry-after"] == "7"
    assert requests.get(url, auth=x_auth(), timeout=5).status_code == 200


# --- Meta -------------------------------------------------------------------------------------------------------------


def test_meta_insights_strings_actions_and_paging_next(fake_platforms):
    fakes = fake_platforms
    fakes.facebook.page_size = 2
    fakes.facebook.set_days(
        META_ACCOUNT,
        [
            day(0, "120210000000000001", "123.45", 10234, 250, 4, "399.96"),
            day(0, "120210000000000002", "0.5", 100, 0),
            day(1, "120210000000000001", "100", 9000, 200),
            day(1, "120210000000000002", "0", 0, 0),  # no delivery: no row
            day(2, "120210000000000001", "1.01", 50, 1),
            day(3, "120210000000000002", "2", 70, 2, 1, "10"),
        ],
    )
    fields = "campaign_id,campaign_name,account_currency,spend,impressions,inline_link_clicks,actions,action_values"
    params = {
        "level": "campaign",
        "time_increment": "1",
        "time_range": json.dumps({"since": "2026-09-01", "until": "2026-09-07"}),
        "fields": fields,
        "limit": "100",
        "access_token": META_TOKEN,
    }
    response = requests.get(f"{fakes.base_url}/v25.0/act_{META_ACCOUNT}/insights", params=params, timeout=5)
    assert response.status_code == 200, response.text
    assert json.loads(response.headers["x-business-use-case-usage"])[META_ACCOUNT][0]["type"] == "ads_insights"
    assert "acc_id_util_pct" in json.loads(response.headers["x-ad-account-usage"])
    pages = [response.json()]
    while "next" in pages[-1]["paging"]:
        next_url = pages[-1]["paging"]["next"]
        assert next_url.startswith(fakes.base_url) and parse_qs(urlsplit(next_url).query)["access_token"] == [
            META_TOKEN
        ]
        pages.append(requests.get(next_url, timeout=5).json())
    assert len(pages) == 3 and all("cursors" in page["paging"] for page in pages)
    rows = [row for page in pages for row in page["data"]]
    assert [(row["date_start"], row["campaign_id"][-1]) for row in rows] == [
        ("2026-09-01", "1"),
        ("2026-09-01", "2"),
        ("2026-09-02", "1"),
        ("2026-09-03", "1"),
        ("2026-09-04", "2"),
    ]
    first = rows[0]
    assert first["spend"] == "123.45" and first["impressions"] == "10234" and first["inline_link_clicks"] == "250"
    assert first["date_stop"] == "2026-09-01" and first["account_currency"] == "EUR"
    purchases = {a["action_type"]: a["value"] for a in first["actions"] if "purchase" in a["action_type"]}
    assert purchases == {"purchase": "4", "omni_purchase": "4", "offsite_conversion.fb_pixel_purchase": "4"}
    assert {a["action_type"]: a["value"] for a in first["actions"]}["link_click"] == "250"
    assert {a["action_type"] for a in first["action_values"]} == set(purchases)
    assert "actions" not in rows[1] and "action_values" not in rows[1]  # no clicks, no conversions
    assert "action_values" not in rows[2]
    # a Bearer header instead: next URLs then carry no token
    bearer = {key: value for key, value in params.items() if key != "access_token"}
    body = requests.get(
        f"{fakes.base_url}/v23.0/act_{META_ACCOUNT}/insights",
        params=bearer,
        headers={"Authorization": f"Bearer {META_TOKEN}"},
        timeout=5,
    ).json()
    assert "access_token" not in body["paging"]["next"]


def test_meta_throttle_and_expired_token(fake_platforms):
    fakes = fake_platforms
    fakes.facebook.put(META_ACCOUNT, day(0, "1"))
    url = f"{fakes.base_url}/v25.0/act_{META_ACCOUNT}/insights"
    params = {
        "level": "campaign",
        "time_increment": "1",
        "time_range": '{"since":"2026-09-01","until":"2026-09-01"}',
        "fields": "spend",
    }
    headers = {"Authorization": f"Bearer {META_TOKEN}"}
    fakes.facebook.throttled(estimated_minutes=3)
    fakes.facebook.user_request_limit()
    throttled = requests.get(url, params=params, headers=headers, timeout=5)
    assert throttled.status_code == 400
    error = throttled.json()["error"]
    assert (error["code"], error["error_subcode"], error["type"]) == (80004, 2446079, "OAuthException")
    usage = json.loads(throttled.headers["x-business-use-case-usage"])[META_ACCOUNT][0]
    assert usage["estimated_time_to_regain_access"] == 3 and usage["call_count"] == 100
    assert requests.get(url, params=params, headers=headers, timeout=5).json()["error"]["code"] == 17
    assert requests.get(url, params=params, headers=headers, timeout=5).json()["data"][0]["spend"] == "10.00"
    fakes.facebook.expired_tokens.add(META_TOKEN)
    expired = requests.get(url, params=params, headers=headers, timeout=5)
    assert expired.status_code == 400
    assert (expired.json()["error"]["code"], expired.json()["error"]["error_subcode"]) == (190, 463)
    assert "Session has expired" in expired.json()["error"]["message"]


# --- Google Ads -------------------------------------------------------------------------------------------------------


def test_google_ads_search_stream_batches_and_typing(fake_platforms):
    fakes = fake_platforms
    fakes.youtube.batch_size = 2
    fakes.youtube.set_days(
        GOOGLE_CUSTOMER,
        [
            day(0, "21456789012", "142.57", 12345, 204, 2, "180"),
            day(1, "21456789012", "10", 1000, 10),  # no conversions: conversions omitted
            day(2, "21456789012", "10", 1000, 0),  # no clicks: clicks omitted
            day(0, "21456789013", "1", 10, 1),
            day(6, "21456789013", "1", 10, 1),
            day(0, "555", "9", 9, 9),  # a SEARCH campaign: excluded by the VIDEO filter
        ],
    )
    fakes.youtube.add_campaign(GOOGLE_CUSTOMER, "555", "Search brand", channel_type="SEARCH")
    url = f"{fakes.base_url}/v21/customers/{GOOGLE_CUSTOMER}/googleAds:searchStream"
    response = requests.post(url, json=gaql(), headers=GOOGLE_HEADERS, timeout=5)
    assert response.status_code == 200, response.text
    batches = response.json()
    assert isinstance(batches, list) and [len(batch["results"]) for batch in batches] == [2, 2, 1]
    assert all(batch["requestId"] == batches[0]["requestId"] for batch in batches)
    assert "metrics.costMicros" in batches[0]["fieldMask"] and "customer.currencyCode" in batches[0]["fieldMask"]
    rows = [row for batch in batches for row in batch["results"]]
    assert rows[0] == {
        "customer": {"resourceName": f"customers/{GOOGLE_CUSTOMER}", "currencyCode": "EUR"},
        "campaign": {
            "resourceName": f"customers/{GOOGLE_CUSTOMER}/campaigns/21456789012",
            "id": "21456789012",
            "name": "Campaign 21456789012",
        },
        "metrics": {
            "costMicros": "142570000",
            "impressions": "12345",
            "clicks": "204",
            "videoTrueviewViews": "1543",
            "conversions": 2.0,
            "conversionsValue": 180.0,
        },
        "segments": {"date": "2026-09-01"},
    }
    by_date = {(row["segments"]["date"], row["campaign"]["id"]): row for row in rows}
    assert "conversions" not in by_date[("2026-09-02", "21456789012")]["metrics"]
    assert "clicks" not in by_date[("2026-09-03", "21456789012")]["metrics"]
    assert all(row["campaign"]["id"] != "555" for row in rows)
    missing_filter = requests.post(url, json=gaql(video=False), headers=GOOGLE_HEADERS, timeout=5)
    assert missing_filter.status_code == 400
    assert missing_filter.json()["error"]["status"] == "INVALID_ARGUMENT"
    assert "GoogleAdsFailure" in missing_filter.json()["error"]["details"][0]["@type"]
    empty = requests.post(url, json=gaql("2026-10-01", "2026-10-07"), headers=GOOGLE_HEADERS, timeout=5).json()
    assert len(empty) == 1 and "results" not in empty[0]
    dashed = requests.post(url, json=gaql(), headers={**GOOGLE_HEADERS, "login-customer-id": "999-999-9999"}, timeout=5)
    assert dashed.status_code == 400


def test_google_ads_token_refresh_and_quota_errors(fake_platforms):
    fakes = fake_platforms
    fakes.youtube.put(GOOGLE_CUSTOMER, day(0, "21456789012"))
    form = {
        "grant_type": "refresh_token",
        "client_id": GOOGLE_CLIENT_ID,
        "client_secret": GOOGLE_CLIENT_SECRET,
        "refresh_token": GOOGLE_REFRESH_TOKEN,
    }
    bad = requests.post(fakes.youtube.token_url, data={**form, "refresh_token": "revoked"}, timeout=5)
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_grant"
    token = requests.post(fakes.youtube.token_url, data=form, timeout=5).json()
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3599
    url = f"{fakes.base_url}/v21/customers/{GOOGLE_CUSTOMER}/googleAds:searchStream"
    headers = {**GOOGLE_HEADERS, "Authorization": f"Bearer {token['access_token']}"}
    fakes.youtube.quota_exhausted()
    fakes.youtube.temporarily_exhausted(seconds=30)
    fakes.youtube.unauthenticated()
    daily = requests.post(url, json=gaql(), headers=headers, timeout=5)
    assert daily.status_code == 429
    failure = daily.json()["error"]["details"][0]["errors"][0]
    assert failure["errorCode"] == {"quotaError": "RESOURCE_EXHAUSTED"}
    assert failure["details"]["quotaErrorDetails"]["retryDelay"] == "40591s"
    assert failure["message"] == "Too many requests. Retry in 40591 seconds."
    short = requests.post(url, json=gaql(), headers=headers, timeout=5).json()["error"]["details"][0]["errors"][0]
    assert short["errorCode"] == {"quotaError": "RESOURCE_TEMPORARILY_EXHAUSTED"}
    unauthenticated = requests.post(url, json=gaql(), headers=headers, timeout=5)
    assert unauthenticated.status_code == 401 and unauthenticated.json()["error"]["status"] == "UNAUTHENTICATED"
    assert requests.post(url, json=gaql(), headers=headers, timeout=5).status_code == 200
    fakes.youtube.expire_access_tokens()
    assert requests.post(url, json=gaql(), headers=headers, timeout=5).status_code == 401


# --- Common: scripted failures, request log, restatement --------------------------------------------------------------


def test_failures_replay_in_order_with_predicates_then_normal(fake_platforms):
    fakes = fake_platforms
    fakes.linkedin.put(LI_ACCOUNT, day(0, "312345678"))
    analytics = f"{fakes.base_url}/rest/adAnalytics?" + li_analytics_query(["312345678"])
    campaigns = f"{fakes.base_url}/rest/adAccounts/{LI_ACCOUNT}/adCampaigns?q=search&pageSize=10"
    fakes.fail("linkedin", 429, {"status": 429, "serviceErrorCode": 101, "message": "throttled"}, times=2)
    fakes.fail("linkedin", 500, {"status": 500, "message": "Internal Server Error"}, headers={"Retry-After": "3"})
    fakes.fail(
        "linkedin",
        503,
        {"status": 503, "message": "only analytics"},
        when=nth(2, lambda r: r.path == "/rest/adAnalytics"),
    )
    statuses = [
        requests.get(url, headers=LI_HEADERS, timeout=5)
        for url in (analytics, campaigns, analytics, analytics, analytics)
    ]
    assert [r.status_code for r in statuses] == [429, 429, 500, 200, 200]  # the 2nd analytics call was a 429 already
    assert statuses[2].headers["Retry-After"] == "3"
    assert fakes.pending_failures("linkedin") == 1  # nth(2) matched while the 500 was chosen: it never fires now
    fakes.clear_failures()
    fakes.fail(
        "linkedin",
        503,
        {"status": 503, "message": "third analytics call"},
        when=nth(3, lambda r: r.path == "/rest/adAnalytics"),
    )
    got = [
        requests.get(url, headers=LI_HEADERS, timeout=5).status_code
        for url in (analytics, campaigns, analytics, analytics)
    ]
    assert got == [200, 200, 200, 503]
    recorded = fakes.requests_for("linkedin", "/adAnalytics")[0]
    assert recorded.method == "GET" and recorded.headers["linkedin-version"] == "202601"
    assert recorded.args["q"] == "analytics" and "List(urn%3Ali" in recorded.query_string


def test_restated_day_is_served_with_new_numbers(fake_platforms):
    fakes = fake_platforms
    fakes.facebook.put(META_ACCOUNT, day(0, "1", "10.00", 100, 5), day(1, "1", "20.00", 200, 6))
    url = f"{fakes.base_url}/v25.0/act_{META_ACCOUNT}/insights"
    params = {
        "level": "campaign",
        "time_increment": "1",
        "time_range": '{"since":"2026-09-01","until":"2026-09-02"}',
        "fields": "campaign_id,spend",
        "access_token": META_TOKEN,
    }
    before = [row["spend"] for row in requests.get(url, params=params, timeout=5).json()["data"]]
    fakes.facebook.put(META_ACCOUNT, day(0, "1", "12.34", 100, 5))  # Meta restates Sept 1
    after = [row["spend"] for row in requests.get(url, params=params, timeout=5).json()["data"]]
    assert (before, after) == (["10.00", "20.00"], ["12.34", "20.00"])
