"""Account ids in the forms people copy them, and the one form the pipeline keeps (config, folders, rows, API paths)."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class AccountIdForm:
    """One platform's account id: `pattern` matches every accepted form, and its captured groups, joined, are the
    id as kept. `accepted` says in the user's words what may be written, for error messages."""

    pattern: re.Pattern[str]
    accepted: str

    def normalized(self, text: str) -> str | None:
        """The id as kept, or None when `text` is none of the accepted forms."""
        match = self.pattern.fullmatch(text.strip())
        return "".join(group for group in match.groups() if group) if match else None
