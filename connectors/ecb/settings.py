"""The ECB's reference-rate files (eurofxref-hist.csv, eurofxref.csv).

Layout: a `Date` column, then one column per currency quoted as units of that currency for one euro, newest day
first, `N/A` where the ECB published no rate (discontinued currencies), and a trailing comma on every line.
"""

from datetime import date

DATE_HEADER = "Date"
NO_RATE = "N/A"
BASE_CURRENCY = "EUR"
EURO_SINCE = date(1999, 1, 1)  # one euro is worth one euro on every day since
DATE_FORMAT = "%Y-%m-%d"

# Where the ECB publishes the files (connectors/ecb/download.py). Each ZIP holds one CSV:
# eurofxref-hist.zip -> eurofxref-hist.csv, every day since 1999 in the layout above;
# eurofxref.zip -> eurofxref.csv, the latest day only: a header `Date, USD, JPY, ..., ZAR, ` and one row
# `27 November 2026, 1.1650, 172.45, ..., ` (the day written in English, a space after every comma, trailing zeros
# kept, and only the currencies still quoted).
ECB_BASE_URL = "https://www.ecb.europa.eu"
HISTORY_PATH = "/stats/eurofxref/eurofxref-hist.zip"
DAILY_PATH = "/stats/eurofxref/eurofxref.zip"
HISTORY_URL = ECB_BASE_URL + HISTORY_PATH
DAILY_URL = ECB_BASE_URL + DAILY_PATH
HISTORY_MEMBER = "eurofxref-hist.csv"
DAILY_MEMBER = "eurofxref.csv"
DAILY_DATE_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
# The real history is about 2 MB unzipped; anything far larger is not the ECB's file.
MAX_CSV_BYTES = 64 * 1024 * 1024
# A rate as the ECB prints it: digits, optionally a decimal point and more digits (never a sign or an exponent).
RATE_PATTERN = r"\d+(\.\d+)?"
# The currencies of eurofxref-hist.csv's header, in its order: what the config's currencies are checked against while
# fx_rates_url is set and the file is not downloaded yet (once it is, or with a hand-placed file, that file's header
# is). High: the same header in public copies of the file since 2014 and in sample/. A column holds N/A where the ECB
# published no rate: CYP, EEK, LTL, LVL, MTL, SIT, SKK (now the euro), ROL and TRL (redenominated as RON and TRY),
# HRK (the euro since 2023), RUB (suspended since March 2022) and BGN (the euro since 2026) have no recent rates, so
# they pass this check and a run over such days fails its missing-rate check, naming the currency and the day.
PUBLISHED_CURRENCIES = (
    "USD", "JPY", "BGN", "CYP", "CZK", "DKK", "EEK", "GBP", "HUF", "LTL", "LVL", "MTL", "PLN", "ROL", "RON", "SEK",
    "SIT", "SKK", "CHF", "ISK", "NOK", "HRK", "RUB", "TRL", "TRY", "AUD", "BRL", "CAD", "CNY", "HKD", "IDR", "ILS",
    "INR", "KRW", "MXN", "MYR", "NZD", "PHP", "SGD", "THB", "ZAR",
)
DOWNLOAD_PLATFORM = "ECB"  # how the download names itself to the shared HTTP layer
DOWNLOAD_TIMEOUT_SECONDS = 60.0
DOWNLOAD_MAX_ATTEMPTS = 5
DOWNLOAD_MAX_WAIT_SECONDS = 300.0
