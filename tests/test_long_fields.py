"""An export with a cell longer than Python's CSV field limit (131,072 characters): that file is rejected naming
its line, the channel's other files still load, and the next run says the same instead of failing the step."""

from __future__ import annotations

import duckdb

from tests.conftest import roi

SEPTEMBER = ("--start", "2026-09-01", "--end", "2026-09-30")
FOLDER = "data/exports/twitter_posts/18ce54d4x5t"
GOOD = "tweet_activity_metrics_AcmeUK_20260901_20261001_en.csv"
LONG = "tweet_activity_metrics_AcmeUK_20260902_20261002_en.csv"


def test_a_cell_over_the_field_limit_rejects_its_file_alone_naming_the_line(sample):
    folder = sample / FOLDER
    header, first, second, *_ = (folder / GOOD).read_bytes().split(b"\n")
    # A post whose text spans two lines (so the file's records are read again in Python) and runs past the limit.
    long_text = b'"Line one\nline two ' + b"C" * 140_000 + b'"'
    cells = second.split(b",")
    cells[0], cells[2] = b'"1831000043087299999"', long_text
    (folder / LONG).write_bytes(b"\n".join([header, first.replace(b"1831000043087279000", b"1831000043087279001"),
                                            b",".join(cells), b""]))
    config = sample / "roi.toml"
    for attempt in range(2):  # and the next run the same way: never a failed step
        run = roi("run", *SEPTEMBER, config=config)
        assert run.returncode == 1, run.stderr
        assert "Traceback" not in run.stderr and "step raw__twitter_posts" not in run.stderr
        assert (f"FAILED  check raw/twitter_posts:export_files_accepted: twitter_posts/18ce54d4x5t/{LONG}, line 3: "
                "a cell longer than 131,072 characters; nothing of the file was loaded") in run.stderr
    with duckdb.connect(str(sample / "data" / ".roi-work" / "roi.duckdb"), read_only=True) as con:
        loaded = dict(con.execute("SELECT source, count(*) FROM raw.twitter_posts GROUP BY source").fetchall())
    assert loaded[f"twitter_posts/18ce54d4x5t/{GOOD}"] > 0 and f"twitter_posts/18ce54d4x5t/{LONG}" not in loaded
    assert len(loaded) == 2  # the other account's posts too
