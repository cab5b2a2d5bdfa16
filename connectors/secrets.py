"""The one redaction every message that may hold an API answer or URL passes through before it is raised, logged,
stored or printed: configured credential values (plain, URL-encoded, base64) and known token shapes become ***,
and the text is cut to a bounded length (an answer body may be megabytes of anything)."""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterable, Mapping
from urllib.parse import quote, quote_plus

MASK = "***"
MAX_CHARS = 500  # of an error body or a quoted value; whole messages get a few times that
MIN_SECRET_CHARS = 6  # shorter "secrets" would blank ordinary words and digits

# Tokens obtained at run time (e.g. a Google access token refreshed from the refresh token).
_remembered: set[str] = set()

# Known shapes, whatever the value: a header's or parameter's name stays, its value goes.
_SHAPES = [
    re.compile(r"(?i)(\bBearer\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(r"(?i)(\b(?:access_token|refresh_token|client_secret|developer_token|oauth_[a-z_]+)"
               r"(?:%3D|=|\"?\s*:\s*)\s*\"?)[^\"&\s,;}]+"),
    re.compile(r"(?i)(\b(?:developer-token|login-customer-id|authorization)\"?\s*[:=]\s*\"?)[^\"\s,;}]+"),
]


def remember(value: str | None) -> None:
    """Redact `value` too from now on (a credential this process learned rather than read from the environment)."""
    if value and len(value) >= MIN_SECRET_CHARS:
        _remembered.add(value)


def credential_values(environ: Mapping[str, str] | None = None) -> set[str]:
    from connectors.credentials import CREDENTIAL_VARIABLES

    environ = os.environ if environ is None else environ
    values = {environ.get(name, "") for name in CREDENTIAL_VARIABLES} | _remembered
    digits = {re.sub(r"\D", "", value) for value in values}  # a customer id is sent as digits only
    return {value for value in values | digits if len(value) >= MIN_SECRET_CHARS}


def _forms(value: str) -> Iterable[str]:
    raw = value.encode("utf-8")
    yield value
    yield quote(value, safe="")
    yield quote_plus(value)
    yield quote(value)
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        yield encode(raw).decode("ascii").rstrip("=")


def redact(text: object, limit: int | None = MAX_CHARS * 4, environ: Mapping[str, str] | None = None) -> str:
    """`text` with every credential value and token shape masked, then cut to `limit` characters (None: no cut).
    Masking comes first, so that a cut never leaves part of a secret behind."""
    text = str(text)
    forms = {form for value in credential_values(environ) for form in _forms(value) if form}
    for form in sorted(forms, key=len, reverse=True):  # longest first: a value inside another stays covered
        text = text.replace(form, MASK)
    for shape in _SHAPES:
        text = shape.sub(lambda match: match.group(1) + MASK, text)
    if limit is not None and len(text) > limit:
        text = text[:limit] + f"… ({len(text) - limit} more characters)"
    return text


def quoted(value: object, limit: int = 60) -> str:
    """A value from an answer, for a message: its repr, redacted and short (a garbled figure may be a token)."""
    return redact(repr(value), limit)
