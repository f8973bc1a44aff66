"""Who may try how often: registrations and logins per address, /ertc joins per person and address.

The counters are shared by every worker (counsel/web/counters.py). Failed logins have their own,
stricter rule per account and address in counsel/accounts/throttle.py.
"""

from counsel.web.counters import limited

MINUTE = 60
HOUR = 3600


def registration_limited(address: str) -> bool:
    """True when this address registered (or tried to) too often this hour."""
    return limited("register", address, "REGISTER_PER_HOUR", HOUR)


def login_limited(address: str) -> bool:
    """True when this address tried to log in too often this minute (any outcome)."""
    return limited("login", address, "LOGINS_PER_MINUTE", MINUTE)


def join_limited(user_id: int, address: str) -> bool:
    """True when this person or this address opened too many call sockets this minute.

    A client reconnecting in a loop gets 429 before the upgrade, so each refused attempt
    writes no joined/left rows into the session's transcript.
    """
    by_person = limited("join-user", str(user_id), "ERTC_JOINS_PER_MINUTE", MINUTE)
    by_address = limited("join-addr", address, "ERTC_JOINS_PER_ADDRESS", MINUTE)
    return by_person or by_address
