"""ICE servers for a call: STUN as configured, TURN with short-lived coturn REST credentials."""

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping
from typing import Any


def turn_credentials(secret: str, user_id: int, expires_at: int) -> tuple[str, str]:
    """coturn's `use-auth-secret` scheme: username "<expiry>:<user id>", HMAC-SHA1 password."""
    username = f"{expires_at}:{user_id}"
    mac = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(mac).decode("ascii")


def ice_servers(config: Mapping[str, Any], user_id: int, now: float | None = None) -> dict:
    """The JSON body of /ice: only configured servers, never a public default."""
    ttl = int(config["TURN_TTL"])
    servers: list[dict] = []
    if config.get("STUN_URLS"):
        servers.append({"urls": list(config["STUN_URLS"])})
    if config.get("TURN_URLS") and config.get("TURN_SECRET"):
        expires_at = int(now if now is not None else time.time()) + ttl
        username, credential = turn_credentials(config["TURN_SECRET"], user_id, expires_at)
        servers.append(
            {"urls": list(config["TURN_URLS"]), "username": username, "credential": credential}
        )
    return {"iceServers": servers, "ttl": ttl}
