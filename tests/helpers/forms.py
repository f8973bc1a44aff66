"""Forms the way a browser fills them: the one CSRF-token scraper, and logging in."""

import re

from flask.testing import FlaskClient

from counsel.models import User
from tests.helpers.people import PASSWORD

CSRF_PATTERN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
# Every page of a logged-in user, even a 404 and whatever the role, has the logout form.
ANY_PAGE = "/no-such-page"


def token_in(page: str, where: str = "the page") -> str:
    """The CSRF token a page's form carries (fails the test when there is none)."""
    match = CSRF_PATTERN.search(page)
    assert match, f"no csrf token on {where}"
    return match.group(1)


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """Scrape a CSRF token for this client's session from a page."""
    page = client.get(path, follow_redirects=True).get_data(as_text=True)
    return token_in(page, path)


def login(client: FlaskClient, user: User, password: str = PASSWORD):
    """Log a test client in through the real form."""
    response = client.post(
        "/login", data={"email": user.email, "password": password, "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response
