"""Organic post exports of the four channels' pages, in their real encodings, loaded into raw.<channel>_posts.

LinkedIn page content export ("All posts" sheet saved as CSV), X post activity export (old and new headers),
Meta Business Suite page posts export, YouTube Studio "Table data.csv" (first data row `Total`).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from connectors.ecb.reference_rates import detect_rates_layout
from connectors.channels import ORGANIC_FORMATS, ORGANIC_KINDS
from tests.conftest import ECB_HEADER, LoadedExport, settled_now, utf16
from warehouse.exports import days_covered, find_export_files, sync_exports
from warehouse.fx import load_fx_rates
from warehouse.schema import POST_TABLES, ensure_schema

BOM = b"\xef\xbb\xbf"


def load_posts(tmp_path: Path, channel: str, filename: str, content: bytes, account_id: str = "123") -> LoadedExport:
    """Write one post export where a marketer drops it (`<channel>_posts/<account>/`), load it, return its raw rows."""
    kind = ORGANIC_KINDS[channel]
    exports = tmp_path / "exports"
    folder = exports / kind / account_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / filename).write_bytes(content)
    rates = tmp_path / "eurofxref-hist.csv"
    rates.write_text(ECB_HEADER + "\n2026-09-01,1.1650,172.45,N/A,24.512,7.4630,0.86230,395.10,4.2630,5.0765,"
                     "11.0450,0.9350,\n", encoding="utf-8")
    table = POST_TABLES[channel]
    with duckdb.connect(str(tmp_path / "parse.duckdb")) as con:
        ensure_schema(con)
        load_fx_rates(con, detect_rates_layout(rates))
        scan = find_export_files(exports, kind, per_account=True)
        report = sync_exports(con, scan, kind, table, ORGANIC_FORMATS[channel], {account_id: "EUR"},
                              settled_now())
        cursor = con.execute(f"SELECT * FROM {table} ORDER BY source, line")
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row)) for row in cursor.fetchall()]
    return LoadedExport(report, rows)


def _posts(loaded: LoadedExport) -> list[tuple]:
    return [
        (row["line"], row["post_id"], row["published_at"], row["date"], row["title"], row["impressions"],
         row["clicks"], row["reactions"], row["comments"], row["shares"], row["video_views"])
        for row in loaded.rows
    ]


def _only_rejection(loaded: LoadedExport) -> str:
    assert loaded.rows == []
    assert len(loaded.report.rejected) == 1
    return next(iter(loaded.report.rejected.values()))


# --- LinkedIn page content export ----------------------------------------------------------------------------------

LINKEDIN_HEADER = (
    "Post title,Post link,Post type,Campaign name,Posted by,Created date,Campaign start date,Campaign end date,"
    "Audience,Impressions,Views (excluding off-site video views),Offsite Views,Clicks,Click through rate (CTR),"
    "Likes,Comments,Reposts,Follows,Engagement rate,Content Type"
)
LINKEDIN_ALL_POSTS = (
    '"All posts: metrics of the updates created between 9/1/2026 and 9/30/2026, organic and sponsored. '
    'Impressions, clicks and engagement include reposts."\n'
    + LINKEDIN_HEADER + "\n"
    + '"Total cost of ownership: cloud vs. on-premise, our 2026 study",'
    "https://www.linkedin.com/feed/update/urn:li:activity:7240001122334455667,Organic,,Claire Martin,9/3/2026,,,"
    'All followers,"1,842",,,57,3.09%,64,9,5,2,7.33%,Image\n'
    "Livre blanc cybersécurité – téléchargez-le,"
    "https://www.linkedin.com/feed/update/urn:li:activity:7240001122334455668,Sponsored,"
    "FR – Livre blanc cybersécurité,Claire Martin,9/4/2026,9/4/2026,9/30/2026,IT decision makers FR,15230,,,212,"
    "1.39%,130,4,2,31,2.28%,Document\n"
    "Démo produit en 90 secondes,"
    "https://www.linkedin.com/feed/update/urn:li:activity:7241234567890123456/?actorCompanyId=4242,Organic,,"
    "Acme France,9/10/2026,,,All followers,2310,1204,88,41,1.77%,72,6,11,0,5.63%,Video\n"
)
LINKEDIN_EXPECTED = [
    (3, "urn:li:activity:7240001122334455667", datetime(2026, 9, 3), date(2026, 9, 3),
     "Total cost of ownership: cloud vs. on-premise, our 2026 study", 1842, 57, 64, 9, 5, None),
    (5, "urn:li:activity:7241234567890123456", datetime(2026, 9, 10), date(2026, 9, 10),
     "Démo produit en 90 secondes", 2310, 41, 72, 6, 11, 1204),
]


def test_linkedin_all_posts_saved_as_utf8_csv_keeps_organic_posts(tmp_path):
    loaded = load_posts(tmp_path, "linkedin", "Acme France_content_1725148800000.csv",
                        BOM + LINKEDIN_ALL_POSTS.encode("utf-8"))
    assert loaded.report.rejected == {}
    # The description line is no header; the sponsored post is paid delivery; a title starting "Total" is a post.
    assert loaded.report.rows_loaded == 2
    assert _posts(loaded) == LINKEDIN_EXPECTED
    assert {row["account_id"] for row in loaded.rows} == {"123"}
    assert {row["source"] for row in loaded.rows} == {"linkedin_posts/123/Acme France_content_1725148800000.csv"}


LINKEDIN_UNICODE_TEXT = (
    "All posts: metrics of the updates created between 9/1/2026 and 9/30/2026, organic and sponsored.\n"
    + LINKEDIN_HEADER.replace(",", "\t") + "\n"
    "Total cost of ownership: cloud vs. on-premise, our 2026 study\t"
    "https://www.linkedin.com/feed/update/urn:li:activity:7240001122334455667\tOrganic\t\tClaire Martin\t9/3/2026"
    "\t\t\tAll followers\t1,842\t\t\t57\t3.09%\t64\t9\t5\t2\t7.33%\tImage\n"
    "Démo produit en 90 secondes\t"
    "https://www.linkedin.com/feed/update/urn:li:activity:7241234567890123456/?actorCompanyId=4242\tOrganic\t\t"
    "Acme France\t9/10/2026\t\t\tAll followers\t2310\t1204\t88\t41\t1.77%\t72\t6\t11\t0\t5.63%\tVideo\n"
)


def test_linkedin_all_posts_saved_as_unicode_text_gives_the_same_rows(tmp_path):
    loaded = load_posts(tmp_path, "linkedin", "content.csv", utf16(LINKEDIN_UNICODE_TEXT))
    assert loaded.report.rejected == {}
    assert _posts(loaded) == [LINKEDIN_EXPECTED[0], (4, *LINKEDIN_EXPECTED[1][1:])]


# --- X post activity export ----------------------------------------------------------------------------------------

X_ACTIVITY_HEADER = (
    '"Tweet id","Tweet permalink","Tweet text","time","impressions","engagements","engagement rate","retweets",'
    '"replies","likes","user profile clicks","url clicks","hashtag clicks","detail expands","permalink clicks",'
    '"app opens","app installs","follows","email tweet","dial phone","media views","media engagements",'
    '"promoted impressions","promoted engagements","promoted url clicks"'
)
X_ACTIVITY = (
    X_ACTIVITY_HEADER + "\n"
    '"1831234567890123456","https://twitter.com/AcmeUK/status/1831234567890123456",'
    '"Join us at the London Tech Summit, stand B12 #LTS2026","2026-09-03 14:05 +0000","2950.0","87.0",'
    '"0.029491525423728815","6.0","3.0","41.0","5.0","19.0","2.0","11.0","0","0","0","0","0","0","0","0",'
    '"-","-","-"\n'
    '"1832999888777666555","https://twitter.com/AcmeUK/status/1832999888777666555",'
    '"Total recall: our cloud migration guide\nin five steps","2026-09-07 08:30 +0000","1204.0","31.0",'
    '"0.025747508305647839","2.0","1.0","17.0","1.0","9.0","0.0","1.0","0","0","0","0","0","0","12","3",'
    '"5400","120","48"\n'
)


def test_x_tweet_activity_metrics_reads_organic_columns(tmp_path):
    loaded = load_posts(tmp_path, "twitter", "tweet_activity_metrics_AcmeUK_20260901_20260930_en.csv",
                        X_ACTIVITY.encode("utf-8"))
    assert loaded.report.rejected == {}
    # The second post's text spans two lines inside quotes; `promoted …` columns are paid and ignored.
    assert _posts(loaded) == [
        (2, "1831234567890123456", datetime(2026, 9, 3, 14, 5), date(2026, 9, 3),
         "Join us at the London Tech Summit, stand B12 #LTS2026", 2950, 19, 41, 3, 6, None),
        (3, "1832999888777666555", datetime(2026, 9, 7, 8, 30), date(2026, 9, 7),
         "Total recall: our cloud migration guide\nin five steps", 1204, 9, 17, 1, 2, None),
    ]


def test_x_newer_content_export_with_dates_only(tmp_path):
    content = (
        "Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,Replies,"
        "Reposts,Profile visits,Detail Expands,URL Clicks,Hashtag Clicks,Permalink Clicks\n"
        '1833000000000000001,"Thu, Sep 3, 2026",Cloud migration guide is live,'
        'https://x.com/AcmeUK/status/1833000000000000001,"1,204",17,31,2,4,0,1,2,1,1,9,0,0\n'
        '1833000000000000002,"Mon, Sep 14, 2026",London Tech Summit recap,'
        "https://x.com/AcmeUK/status/1833000000000000002,880,12,20,0,0,1,0,1,0,3,4,0,0\n"
    )
    loaded = load_posts(tmp_path, "twitter", "account_analytics_content_2026-09-01_2026-09-30.csv",
                        content.encode("utf-8"))
    assert loaded.report.rejected == {}
    # Reposts are the shares (X's `Shares` are DM and link shares); clicks are URL clicks.
    assert _posts(loaded) == [
        (2, "1833000000000000001", datetime(2026, 9, 3), date(2026, 9, 3), "Cloud migration guide is live",
         1204, 9, 17, 1, 2, None),
        (3, "1833000000000000002", datetime(2026, 9, 14), date(2026, 9, 14), "London Tech Summit recap",
         880, 4, 12, 0, 1, None),
    ]


# --- Facebook page posts export (Meta Business Suite) -------------------------------------------------------------

FACEBOOK_POSTS = (
    "Post ID,Page ID,Page name,Title,Description,Publish time,Post type,Permalink,Reach,Impressions,Reactions,"
    "Comments,Shares,Total clicks,Link clicks,Seconds viewed,3-second video views\n"
    "1234567890_10161234567890123,1234567890,Acme France,,"
    '"Salon Big Data & IA : retrouvez-nous stand F42\nParis, 15–16 septembre",09/03/2026 14:05,Photos,'
    "https://www.facebook.com/acmefrance/posts/10161234567890123,3120,4410,96,12,7,158,61,,\n"
    "1234567890_10161234567890456,1234567890,Acme France,Démo produit en 90 secondes,Notre plateforme en vidéo,"
    "09/08/2026 09:30,Videos,https://www.facebook.com/acmefrance/videos/10161234567890456,5400,7230,143,21,15,"
    "240,88,15120,2980\n"
)


def test_facebook_page_posts_export_with_bom_and_multiline_text(tmp_path):
    loaded = load_posts(tmp_path, "facebook", "Sep-01-2026_Sep-30-2026_1234567890.csv",
                        BOM + FACEBOOK_POSTS.encode("utf-8"))
    assert loaded.report.rejected == {}
    assert _posts(loaded) == [
        (2, "1234567890_10161234567890123", datetime(2026, 9, 3, 14, 5), date(2026, 9, 3), None,
         4410, 61, 96, 12, 7, None),
        # Line 4: the first post's text took two lines.
        (4, "1234567890_10161234567890456", datetime(2026, 9, 8, 9, 30), date(2026, 9, 8),
         "Démo produit en 90 secondes", 7230, 88, 143, 21, 15, 2980),
    ]


def test_facebook_bad_number_after_a_multiline_text_names_its_line(tmp_path):
    content = FACEBOOK_POSTS.replace(",143,21,", ",1 43x,21,")
    message = _only_rejection(load_posts(tmp_path, "facebook", "posts.csv", BOM + content.encode("utf-8")))
    assert message == "facebook_posts/123/posts.csv, line 4, column 'Reactions': cannot read '1 43x' as a whole number"


# --- YouTube Studio "Table data.csv" -------------------------------------------------------------------------------

YOUTUBE_TABLE = (
    "Content,Video title,Video publish time,Duration,Views,Watch time (hours),Subscribers,Impressions,"
    "Impressions click-through rate (%),Likes,Shares,Comments added\n"
    "Total,,,,15234,812.4567,57,210345,4.21,402,51,38\n"
    'dQw4w9WgXcQ,Köln Roadshow – Highlights,"Sep 3, 2026",213,9021,501.2345,40,120000,5.1,288,37,25\n'
    'aBcD123xyz0,"Produktdemo: so funktioniert es","Sep 14, 2026",485,6213,311.2222,17,90345,3.07,114,14,—\n'
)


def test_youtube_table_data_skips_the_total_row(tmp_path):
    loaded = load_posts(tmp_path, "youtube", "Table data.csv", YOUTUBE_TABLE.encode("utf-8"))
    assert loaded.report.rejected == {}
    assert loaded.report.rows_loaded == 2
    # Views are the video views; Studio has no clicks column, so clicks stay empty (never Impressions × CTR).
    assert _posts(loaded) == [
        (3, "dQw4w9WgXcQ", datetime(2026, 9, 3), date(2026, 9, 3), "Köln Roadshow – Highlights",
         120000, None, 288, 25, 37, 9021),
        (4, "aBcD123xyz0", datetime(2026, 9, 14), date(2026, 9, 14), "Produktdemo: so funktioniert es",
         90345, None, 114, None, 14, 6213),
    ]


def test_youtube_table_data_with_only_the_default_columns(tmp_path):
    content = """Content,Video title,Video publish time,Duration,Views,Watch time (hours),Subscribers,Impressions,Impressions click-through rate (%)
Total,,,,15234,812.4567,57,210345,4.21
dQw4w9WgXcQ,Spring launch teaser,"Sep 3, 2026",213,9021,501.2345,40,120000,5.1
"""
    loaded = load_posts(tmp_path, "youtube", "Table data.csv", content.encode("utf-8"))
    assert loaded.report.rejected == {}
    assert _posts(loaded) == [
        (3, "dQw4w9WgXcQ", datetime(2026, 9, 3), date(2026, 9, 3), "Spring launch teaser",
         120000, None, None, None, None, 9021),
    ]


# --- Rejections: the same rules as the paid exports ---------------------------------------------------------------

BAD_NUMBERS = {
    # channel: (file content, file name, expected message after the file's path)
    "linkedin": (BOM + LINKEDIN_ALL_POSTS.replace(",2310,", ",2.310.5,").encode("utf-8"), "content.csv",
                 "line 5, column 'Impressions': cannot read '2.310.5' as a whole number"),
    "twitter": (X_ACTIVITY.replace('"41.0"', '"41.5"').encode("utf-8"), "tweets.csv",
                "line 2, column 'likes': cannot read '41.5' as a whole number"),
    "facebook": (BOM + FACEBOOK_POSTS.replace(",7230,", ",7k,").encode("utf-8"), "posts.csv",
                 "line 4, column 'Impressions': cannot read '7k' as a whole number"),
    "youtube": (YOUTUBE_TABLE.replace(",9021,", ",9 021 views,").encode("utf-8"), "Table data.csv",
                "line 3, column 'Views': cannot read '9 021 views' as a whole number"),
}


@pytest.mark.parametrize("channel", sorted(BAD_NUMBERS))
def test_a_bad_number_rejects_the_file_naming_line_and_column(tmp_path, channel):
    content, name, expected = BAD_NUMBERS[channel]
    message = _only_rejection(load_posts(tmp_path, channel, name, content))
    assert message == f"{channel}_posts/123/{name}, {expected}"


MISSING_IMPRESSIONS = {
    "linkedin": (BOM + LINKEDIN_ALL_POSTS.replace("Audience,Impressions,", "Audience,Impr,").encode("utf-8"),
                 "line 2 looks like the en header but lacks 'Impressions'"),
    "twitter": (X_ACTIVITY.replace('"time","impressions"', '"time","impr"').encode("utf-8"),
                "line 1 looks like the en header but lacks 'impressions'"),
    "facebook": (BOM + FACEBOOK_POSTS.replace("Reach,Impressions,", "Reach,Impr,").encode("utf-8"),
                 "line 1 looks like the en header but lacks 'Impressions'"),
    "youtube": (YOUTUBE_TABLE.replace(",Impressions,", ",Impr,").encode("utf-8"),
                "line 1 looks like the en header but lacks 'Impressions'"),
}


@pytest.mark.parametrize("channel", sorted(MISSING_IMPRESSIONS))
def test_a_missing_required_column_is_rejected_naming_it(tmp_path, channel):
    content, expected = MISSING_IMPRESSIONS[channel]
    message = _only_rejection(load_posts(tmp_path, channel, "export.csv", content))
    assert f"no {ORGANIC_FORMATS[channel].name} header row found" in message
    assert expected in message


def test_a_publish_time_that_is_no_date_is_rejected(tmp_path):
    content = X_ACTIVITY.replace("2026-09-07 08:30 +0000", "2026-09-07 08:30 +0200")
    message = _only_rejection(load_posts(tmp_path, "twitter", "tweets.csv", content.encode("utf-8")))
    assert message == ("twitter_posts/123/tweets.csv, line 3, column 'time': "
                       "cannot read '2026-09-07 08:30 +0200' as a date or a date and time")


def test_a_post_without_id_is_rejected(tmp_path):
    content = YOUTUBE_TABLE.replace("aBcD123xyz0,", ",")
    message = _only_rejection(load_posts(tmp_path, "youtube", "Table data.csv", content.encode("utf-8")))
    assert message == "youtube_posts/123/Table data.csv, line 4, column 'Content': empty cell, which every row needs"


def test_a_file_of_an_account_not_in_the_config_is_rejected(tmp_path):
    exports = tmp_path / "exports" / "youtube_posts" / "999"
    exports.mkdir(parents=True)
    (exports / "Table data.csv").write_bytes(YOUTUBE_TABLE.encode("utf-8"))
    loaded = load_posts(tmp_path, "youtube", "Table data.csv", YOUTUBE_TABLE.encode("utf-8"))
    assert loaded.report.loaded == ["youtube_posts/123/Table data.csv"]
    assert loaded.report.rejected == {
        "youtube_posts/999/Table data.csv": "youtube_posts/999/Table data.csv: account 999 is not in the config "
        "(renamed or removed?): not loaded; put it back in the config, or run `roi forget youtube_posts 999` to remove "
        "its rows and leave its files alone until they change"
    }


def test_a_rejected_new_version_leaves_the_previous_rows(tmp_path):
    first = load_posts(tmp_path, "youtube", "Table data.csv", YOUTUBE_TABLE.encode("utf-8"))
    assert len(first.rows) == 2
    broken = load_posts(tmp_path, "youtube", "Table data.csv", YOUTUBE_TABLE.replace("Sep 14", "Sept 14").encode())
    assert "line 4, column 'Video publish time'" in broken.report.rejected["youtube_posts/123/Table data.csv"]
    assert [row["post_id"] for row in broken.rows] == ["dQw4w9WgXcQ", "aBcD123xyz0"]


def test_days_covered_reads_the_publish_dates(tmp_path):
    path = tmp_path / "Table data.csv"
    path.write_bytes(YOUTUBE_TABLE.encode("utf-8"))
    assert days_covered(path, ORGANIC_FORMATS["youtube"]) == (date(2026, 9, 3), date(2026, 9, 14))


# --- The bundled sample's post exports ----------------------------------------------------------------------------


def test_sample_post_exports_load_exactly(sample, expected):
    """Every sample account's post export loads whole, with the numbers its writer put in expected.json."""
    organic = expected["organic"]
    with duckdb.connect(str(sample / "check.duckdb")) as con:
        ensure_schema(con)
        for channel, kind in ORGANIC_KINDS.items():
            accounts = {key.split("/")[1]: "EUR" for key in organic["accounts"] if key.startswith(channel + "/")}
            scan = find_export_files(sample / "data" / "exports", kind, per_account=True)
            report = sync_exports(con, scan, kind, POST_TABLES[channel], ORGANIC_FORMATS[channel], accounts)
            assert report.rejected == {}, channel
            assert len(report.loaded) == len(accounts), channel
        for key, account in organic["accounts"].items():
            channel, account_id = key.split("/")
            table = POST_TABLES[channel]
            found = con.execute(
                f"""SELECT count(*), count(DISTINCT post_id), sum(impressions), sum(clicks), sum(reactions),
                           sum(comments), sum(shares), sum(video_views),
                           sum(coalesce(clicks, 0) + reactions + comments + shares), min(source)
                    FROM {table} WHERE account_id = ?""",
                [account_id],
            ).fetchone()
            assert found == (
                account["posts"], account["posts"], account["impressions"], account["clicks"], account["reactions"],
                account["comments"], account["shares"], account["video_views"], account["engagements"],
                account["file"],
            ), key
            weeks = dict(con.execute(
                f"""SELECT strftime(date_trunc('week', date), '%Y-%m-%d'), count(*) FROM {table}
                    WHERE account_id = ? GROUP BY 1""",
                [account_id],
            ).fetchall())
            assert weeks == account["posts_per_iso_week"], key
            first = con.execute(f"SELECT post_id FROM {table} WHERE account_id = ? ORDER BY line LIMIT 1",
                                [account_id]).fetchone()[0]
            assert first == account["first_post_id"], key
        assert con.execute("SELECT count(*) FROM raw.linkedin_posts WHERE post_id NOT LIKE 'urn:li:activity:%'"
                           ).fetchone()[0] == 0


def test_one_raw_posts_asset_per_channel():
    import dagster as dg

    from pipelines.assets.organic import build_organic_assets

    assets = build_organic_assets(dg.DailyPartitionsDefinition(start_date="2026-09-01"))
    keys = {asset.key.to_user_string(): asset for asset in assets}
    assert sorted(keys) == ["raw/facebook_posts", "raw/linkedin_posts", "raw/twitter_posts", "raw/youtube_posts"]
    for key, asset in keys.items():
        assert asset.group_names_by_key[asset.key] == "raw"
        assert set(asset.specs_by_key[asset.key].kinds) == {"duckdb", "csv", "api"}  # pages' exports, and APIs
        assert [dep.asset_key.to_user_string() for dep in asset.specs_by_key[asset.key].deps] == ["raw/accounts"]
        # LinkedIn names a post otherwise in its export and its API: a check that a page has only one source.
        assert [spec.name for spec in asset.check_specs] == ["export_files_accepted", "api_pulls_complete"] + (
            ["posts_counted_once"] if key == "raw/linkedin_posts" else [])
        assert "organic posts of the brand's own pages" in asset.descriptions_by_key[asset.key]
