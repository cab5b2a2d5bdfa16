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
