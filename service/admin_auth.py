"""Who may use ``/admin/*``: a bearer token matching ``REPORTQA_ADMIN_TOKEN``.

With no token configured the admin endpoints are off (403), so a service
started without one cannot be rebuilt by anyone.  The token is compared in
constant time so its prefix cannot be guessed from response times.
"""

from __future__ import annotations

import hmac

from pydantic import SecretStr

from index.errors import ReportQAError


class AdminDisabled(ReportQAError):
    """No admin token is configured, so the admin endpoints are off."""


class Unauthorized(ReportQAError):
    """The request's bearer token is missing or wrong."""


def check_admin(authorization: str | None, token: SecretStr | None) -> None:
    """Pass, or raise AdminDisabled / Unauthorized, for one request's Authorization header."""
    if token is None or not token.get_secret_value():
        raise AdminDisabled("admin endpoints are disabled; set REPORTQA_ADMIN_TOKEN to enable them")
    scheme, _, given = (authorization or "").partition(" ")
    expected = token.get_secret_value().encode()
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected):
        raise Unauthorized("missing or wrong admin token; send Authorization: Bearer <REPORTQA_ADMIN_TOKEN>")
