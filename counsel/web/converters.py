"""The `id` URL converter: only ids the database can hold match, anything else is a 404."""

from werkzeug.routing import BaseConverter, ValidationError

# Every id column is a signed 64-bit integer (PostgreSQL BIGINT, SQLite INTEGER).
MAX_ID = 2**63 - 1


def parse_id(raw: str | None) -> int | None:
    """A database id from text: 1..2**63-1 in plain digits (no sign, no padding), else None."""
    if not raw or not raw.isascii() or not raw.isdigit() or raw[0] == "0" or len(raw) > 19:
        return None
    value = int(raw)
    return value if value <= MAX_ID else None


class IdConverter(BaseConverter):
    """`<id:name>`: a row id; out-of-range, negative, padded or non-numeric ids never match."""

    regex = r"[1-9][0-9]{0,18}"

    def to_python(self, value: str) -> int:
        """The id as an int, or no match (404) when it is beyond 64 bits."""
        parsed = parse_id(value)
        if parsed is None:
            raise ValidationError()
        return parsed

    def to_url(self, value: object) -> str:
        """The id as it appears in a URL."""
        return str(int(value))  # type: ignore[call-overload]
