"""Security headers on every response, set in one place (an after-request hook).

Pages get a strict Content-Security-Policy, no framing, no referrer beyond this site, no
camera, microphone or screen capture (the room alone allows them for itself), and no caching:
every page and JSON route of Counsel shows counseling content or personal data. A route that
sets a stricter header of its own keeps it: the room's policy (`default-src 'none'`, camera and
microphone for itself; display capture's default allowlist is 'self' too), and file
downloads' `Content-Security-Policy: sandbox`.
"""

from flask import Flask, Response, current_app, request

PAGE_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
NO_DEVICES = "camera=(), microphone=(), display-capture=(), geolocation=(), payment=(), usb=()"
ONE_YEAR = 365 * 24 * 3600
# Static files (CSS, scripts) hold nothing personal: the browser may cache them.
CACHEABLE_ENDPOINTS = {"static"}


def _set_cache(response: Response) -> None:
    if request.endpoint in CACHEABLE_ENDPOINTS:
        return
    response.headers["Cache-Control"] = "no-store"
    response.headers.pop("Expires", None)


def secure_headers(response: Response) -> Response:
    """Add the security headers this response does not already carry more strictly."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", PAGE_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")  # for browsers without frame-ancestors
    headers["X-Content-Type-Options"] = "nosniff"
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", NO_DEVICES)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    _set_cache(response)
    if current_app.config.get("HTTPS"):
        headers["Strict-Transport-Security"] = f"max-age={ONE_YEAR}; includeSubDomains"
    return response


def init_app(app: Flask) -> None:
    """Register the hook."""
    app.after_request(secure_headers)
