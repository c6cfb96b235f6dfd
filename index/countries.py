"""Country names (ISO 3166, from pycountry), to tell whether a text names a country.

"Which country hosted ...?" is answered only by a passage that names one; a report
often says "some countries" and stops there.
"""

from __future__ import annotations

import functools
import re


@functools.cache
def _pattern() -> re.Pattern[str]:
    """Every country's short, common and official name ("Bolivia", "Viet Nam", "Republic of Korea")."""
    import pycountry

    names: set[str] = set()
    for country in pycountry.countries:
        for field in ("name", "common_name", "official_name"):
            name = getattr(country, field, None)
            if name:
                names.add(name.split(",")[0].strip())  # "Korea, Republic of" -> "Korea"
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\b")


def countries_in(text: str) -> frozenset[str]:
    """The country names ``text`` mentions, as written."""
    return frozenset(_pattern().findall(text))
