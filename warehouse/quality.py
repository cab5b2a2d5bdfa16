"""Data-quality checks on the days a run refreshed; each returns whether it passed and what it found.

The mart checks read the temp table `refresh_days` that warehouse.marts.refresh_marts leaves on the connection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb

from warehouse.campaign_names import name_keyed_campaigns
from warehouse.refresh import REFRESHED

SAMPLE_SIZE = 10


@dataclass(frozen=True)
class CheckOutcome:
    passed: bool
    description: str
    metadata: dict[str, object] = field(default_factory=dict)


def duplicate_keys(con: duckdb.DuckDBPyConnection, table: str, keys: tuple[str, ...], where: str, params=None) -> CheckOutcome:
    """The grain holds: one row per key."""
    key_list = ", ".join(keys)
    # Grouping by a hash of the key is several times cheaper than by its strings; only the keys of a hash seen
    # twice (a duplicate, or rarely two keys sharing a hash) are then counted exactly.
    found = con.execute(
        f"""WITH shared AS (SELECT hash({key_list}) AS key_hash FROM {table} WHERE {where}
                            GROUP BY key_hash HAVING count(*) > 1)
            SELECT {key_list}, count(*) AS copies FROM {table}
            WHERE {where} AND hash({key_list}) IN (SELECT key_hash FROM shared)
            GROUP BY {key_list} HAVING count(*) > 1 ORDER BY {key_list}""",
        params or {},
    ).fetchall()
    if not found:
        return CheckOutcome(True, f"one row per {key_list} in {table}")
    sample = [", ".join(str(value) for value in row[:-1]) + f" ({row[-1]} rows)" for row in found[:SAMPLE_SIZE]]
    return CheckOutcome(
        False,
        f"{len(found)} duplicated key(s) in {table}: " + "; ".join(sample),
        {"duplicated_keys": len(found)},
    )


def duplicate_keys_between(con, table: str, keys: tuple[str, ...], start: date, end: date) -> CheckOutcome:
    return duplicate_keys(con, table, keys, "date BETWEEN $start AND $end", {"start": start, "end": end})


def non_negative_spend(con: duckdb.DuckDBPyConnection) -> CheckOutcome:
    found = con.execute(
        f"""SELECT date, channel, account_id, campaign_id, spend_original, currency FROM marts.campaign_daily
            WHERE {REFRESHED} AND spend_original < 0 ORDER BY date, channel, campaign_id"""
    ).fetchall()
    if not found:
        return CheckOutcome(True, "no negative spend")
    sample = [f"{d} {ch} account {acc} campaign {camp}: {amount} {cur}" for d, ch, acc, camp, amount, cur in found[:SAMPLE_SIZE]]
    return CheckOutcome(False, f"{len(found)} row(s) with negative spend: " + "; ".join(sample), {"rows": len(found)})


def fx_rates_present(con: duckdb.DuckDBPyConnection, reporting_currency: str, use_crm: bool) -> CheckOutcome:
    """Every amount of the refreshed days could be converted: the ECB has a rate on or before its day."""
    found = con.execute(
        f"""SELECT DISTINCT currency, date FROM (
                SELECT currency, date FROM marts.campaign_daily
                WHERE {REFRESHED} AND spend IS NULL AND currency <> $reporting
                UNION ALL
                SELECT d.currency, d.close_date FROM staging.stg_crm_revenue d
                ASOF LEFT JOIN raw.fx_rates f ON d.currency = f.currency AND d.close_date >= f.date
                WHERE $use_crm AND d.close_date IN (SELECT date FROM refresh_days) AND f.rate IS NULL
                  AND d.currency <> $reporting
                UNION ALL
                SELECT $reporting, r.date FROM (
                    SELECT DISTINCT date FROM marts.campaign_daily WHERE {REFRESHED} AND currency <> $reporting
                    UNION SELECT close_date FROM staging.stg_crm_revenue
                    WHERE $use_crm AND close_date IN (SELECT date FROM refresh_days) AND currency <> $reporting) r
                ASOF LEFT JOIN (SELECT * FROM raw.fx_rates WHERE currency = $reporting) f ON r.date >= f.date
                WHERE f.rate IS NULL
            ) ORDER BY date, currency""",
        {"reporting": reporting_currency, "use_crm": use_crm},
    ).fetchall()
    if not found:
        return CheckOutcome(True, "an ECB rate for every currency and day")
    sample = [f"{currency} on {day}" for currency, day in found[:SAMPLE_SIZE]]
    return CheckOutcome(
        False,
        f"no ECB rate on or before the day for {len(found)} currency-day(s): " + ", ".join(sample),
        {"missing_currency_days": len(found)},
    )


def revenue_matched(con: duckdb.DuckDBPyConnection) -> CheckOutcome:
    """CRM revenue for a campaign that no export knows is kept apart in marts.unmatched_revenue, never dropped."""
    found = con.execute(
        """SELECT deal_id, channel, campaign_id, amount_original, currency, source, reason
           FROM marts.unmatched_revenue ORDER BY close_date, deal_id"""
    ).fetchall()
    if not found:
        return CheckOutcome(True, "all CRM revenue matches a campaign of a configured account")
    sample = [f"deal {deal} ({channel} campaign '{campaign}', {amount} {cur}, {source}): {reason}"
              for deal, channel, campaign, amount, cur, source, reason in found[:SAMPLE_SIZE]]
    return CheckOutcome(
        False,
        f"{len(found)} deal(s) match no campaign of a configured account (see marts.unmatched_revenue): "
        + "; ".join(sample),
        {"unmatched_deals": len(found)},
    )


def campaign_names_unambiguous(con: duckdb.DuckDBPyConnection) -> CheckOutcome:
    """A campaign of an export without campaign IDs is found by its name; a name that several campaign IDs of the
    account have leaves its rows keyed by name, beside those campaigns', so a day both cover counts twice."""
    found = [campaign for campaign in name_keyed_campaigns(con) if campaign.ambiguous]
    if not found:
        return CheckOutcome(True, "every campaign of an export without campaign IDs is at most one campaign ID")
    sample = [f"{c.channel} account {c.account_id} '{c.campaign_name}' ({c.first_day}..{c.last_day}): campaigns "
              + ", ".join(c.same_name_ids) for c in found[:SAMPLE_SIZE]]  # fmt: skip
    return CheckOutcome(
        False,
        f"{len(found)} campaign name(s) in exports without a campaign ID column belong to several campaigns, so "
        "their rows are counted beside those campaigns' (download those exports with the campaign ID column): "
        + "; ".join(sample),
        {"ambiguous_names": len(found)},
    )


def global_equals_sum_of_local(con: duckdb.DuckDBPyConnection) -> CheckOutcome:
    """To the cent: each day's global net return and spend are the sums of the markets', and they add up to the
    campaigns' own revenue minus spend."""
    by_day = con.execute(
        f"""SELECT g.date, g.channel, g.net_return, l.net_return, g.spend, l.spend
            FROM (SELECT * FROM marts.roi_global WHERE {REFRESHED}) g
            FULL OUTER JOIN (SELECT date, channel, sum(net_return) AS net_return, sum(spend) AS spend
                             FROM marts.roi_local WHERE {REFRESHED} GROUP BY ALL) l USING (date, channel)
            WHERE round(coalesce(g.net_return, 0) - coalesce(l.net_return, 0), 2) <> 0
               OR round(coalesce(g.spend, 0) - coalesce(l.spend, 0), 2) <> 0
               OR g.date IS NULL OR l.date IS NULL
            ORDER BY 1, 2"""
    ).fetchall()
    global_total, campaign_total = con.execute(
        f"""SELECT (SELECT sum(net_return) FROM marts.roi_global WHERE {REFRESHED}),
                   (SELECT sum(marts.net_return(revenue, spend)) FROM marts.campaign_daily WHERE {REFRESHED})"""
    ).fetchone()
    metadata = {"global_net_return": str(global_total), "sum_of_campaign_net_returns": str(campaign_total)}
    if by_day:
        day, channel, global_net, local_net, _, _ = by_day[0]
        return CheckOutcome(
            False,
            f"{len(by_day)} day-channel(s) where global differs from the sum of local, first {day} {channel}: "
            f"global net return {global_net}, sum of local {local_net}",
            metadata,
        )
    if round((global_total or 0) - (campaign_total or 0), 2) != 0:
        return CheckOutcome(
            False, f"global net return {global_total} differs from the campaigns' {campaign_total}", metadata
        )
    return CheckOutcome(True, "global net return and spend equal the sum of the local ones, to the cent", metadata)
