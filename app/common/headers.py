"""Security headers on every response: a strict Content-Security-Policy and its companions.

Each header is a default: a view that sets its own (the wall's `no-referrer`) keeps it.
"""

from flask import Flask, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

# Nothing inline and nothing from another host: every script and style is a file under
# /static, data for scripts rides in <script type="application/json"> blocks, which are never
# run. Photos are previewed from blob: URLs before upload; Swagger UI's stylesheet draws its
# icons from data: URLs. frame-ancestors stops the one-button POST forms being framed.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

# The scanner needs the camera, on our own pages only; nothing here uses the rest.
PERMISSIONS_POLICY = ", ".join((
    "camera=(self)",
    "microphone=()",
    "geolocation=()",
    "payment=()",
    "usb=()",
    "serial=()",
    "hid=()",
    "midi=()",
    "display-capture=()",
    "accelerometer=()",
    "gyroscope=()",
    "magnetometer=()",
))

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
}


def init_headers(app: Flask) -> None:
    proxies = app.config["PROXY_FIX"]
    if proxies:
        # Behind a proxy that ends HTTPS the app sees plain HTTP from the proxy's address:
        # trust that many proxies' X-Forwarded-Proto (for HSTS) and X-Forwarded-For (the
        # client's address). Without a proxy these headers are a client's to forge: off.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    app.after_request(add_security_headers)


def add_security_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    # HSTS only where it can hold: a production server reached over HTTPS. Sent over plain
    # HTTP it would be ignored; sent by a development machine it would pin localhost to HTTPS.
    seconds = current_app.config["HSTS_SECONDS"]
    if seconds and request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", f"max-age={seconds}")
    return response
