"""The TURN secret of the ICE tests and the credential coturn's REST scheme expects for it."""

import base64
import hashlib
import hmac

SECRET = "turn-shared-secret-Qx81-never-in-a-page"


def expected_credential(username: str) -> str:
    """base64(HMAC-SHA1(SECRET, username)), computed independently of counsel.room.ice."""
    mac = hmac.new(SECRET.encode(), username.encode(), hashlib.sha1).digest()
    return base64.b64encode(mac).decode()
