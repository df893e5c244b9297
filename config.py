"""Settings: every secret and the database URL come from the environment."""

import os
from datetime import timedelta

# Demo defaults: good for trying SafeRound on one machine, never for a hospital's server.
DEMO_SECRET_KEY = "demo-only-secret-key-change-me"
# Signs the audit anchors of the demo and the tests (`flask audit anchor`); never production's.
DEMO_AUDIT_KEY = "demo-only-audit-key-signs-anchors-of-the-demo"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEMO_SECRET_KEY)
    # None means SQLite in the instance folder (see create_app).
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Every wait on the database is bounded, well under the server's worker timeout; past it the
    # request answers 503 with Retry-After (app/faults.py). How long a write waits for another's
    # lock (SQLite's busy_timeout, PostgreSQL's lock_timeout), in ms:
    DB_BUSY_TIMEOUT_MS = int(os.environ.get("DB_BUSY_TIMEOUT_MS", "5000"))
    # For a free connection of the pool, and (PostgreSQL) to connect, in seconds.
    DB_POOL_TIMEOUT = int(os.environ.get("DB_POOL_TIMEOUT", "5"))
    DB_CONNECT_TIMEOUT = int(os.environ.get("DB_CONNECT_TIMEOUT", "5"))
    # Connections one server process keeps, and may open beyond them at a peak: together at
    # least gunicorn's threads a process (32, gunicorn.conf.py), since each request holds one
    # from its login check to its end (several hosts on PostgreSQL: mind max_connections).
    DB_POOL_SIZE = int(os.environ.get("DB_POOL_SIZE", "10"))
    DB_MAX_OVERFLOW = int(os.environ.get("DB_MAX_OVERFLOW", "30"))
    # The longest one PostgreSQL statement may run, in ms (0: no limit, e.g. for a long
    # `flask db upgrade`).
    DB_STATEMENT_TIMEOUT_MS = int(os.environ.get("DB_STATEMENT_TIMEOUT_MS", "15000"))
    # Photos default to <instance>/photos when unset.
    PHOTO_DIR = os.environ.get("PHOTO_DIR")
    # Photos in an S3-compatible bucket instead of PHOTO_DIR: s3://bucket/prefix. The endpoint
    # of a server that is not AWS (SeaweedFS, MinIO, Ceph...), its region, and the keys (unset:
    # boto3's own chain: AWS_* variables, ~/.aws, an instance role).
    PHOTO_STORE = os.environ.get("PHOTO_STORE") or None
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL") or None
    S3_REGION = os.environ.get("S3_REGION") or "us-east-1"
    S3_ACCESS_KEY_ID = os.environ.get("S3_ACCESS_KEY_ID") or None
    S3_SECRET_ACCESS_KEY = os.environ.get("S3_SECRET_ACCESS_KEY") or None
    # The host printed into QR labels: the hospital's intranet address.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://localhost:5000")
    HOSPITAL_TIMEZONE = os.environ.get("HOSPITAL_TIMEZONE", "Asia/Shanghai")
    # When each shift begins, for schedules of "each shift" (local times, comma-separated).
    SHIFT_STARTS = os.environ.get("SHIFT_STARTS", "08:00,20:00")
    # The wall screen's data is shared by every screen for this long (its ETag lets an unchanged
    # screen answer 304); it must stay well under the 30 s a change may take to show.
    WALL_CACHE_SECONDS = int(os.environ.get("WALL_CACHE_SECONDS", "5"))
    HOSPITAL_NAME_ZH = os.environ.get("HOSPITAL_NAME_ZH", "示范医院")
    HOSPITAL_NAME_EN = os.environ.get("HOSPITAL_NAME_EN", "Demo Hospital")
    # Rectification deadlines by hazard level, in days.
    DEADLINE_DAYS = {
        "general": int(os.environ.get("DEADLINE_DAYS_GENERAL", "7")),
        "major": int(os.environ.get("DEADLINE_DAYS_MAJOR", "30")),
    }
    # A photo whose EXIF time is this long before the inspection began is flagged as
    # possibly not taken on site.
    PHOTO_OFF_SITE_MINUTES = int(os.environ.get("PHOTO_OFF_SITE_MINUTES", "30"))
    # `flask photos gc`: a photo uploaded by the phone's outbox but never claimed by an inspection
    # or hazard move is deleted after this many days, and a file no row names once it is this
    # old (at least a day, so that an upload in progress or a refused form's kept photo stays).
    PHOTO_STAGED_DAYS = int(os.environ.get("PHOTO_STAGED_DAYS", "7"))
    # Photos one server process decodes at once (app/photos/uploads.py); others wait their turn.
    PHOTO_PROCESSING_SLOTS = int(os.environ.get("PHOTO_PROCESSING_SLOTS", "2"))
    LANGUAGES = ("zh_Hans", "en")
    BABEL_DEFAULT_LOCALE = "zh_Hans"
    BABEL_TRANSLATION_DIRECTORIES = "translations"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    # A login lasts this long on a device (a patrol phone restarts; its outbox must still send).
    REMEMBER_COOKIE_DURATION = timedelta(days=int(os.environ.get("REMEMBER_DAYS", "14")))
    # Several hosts share what they must agree on (login throttling, the wall's computed data)
    # in one Redis: redis://host:6379/0. Unset, each process keeps its own.
    REDIS_URL = os.environ.get("REDIS_URL") or None
    # Login throttling (app/auth/throttle.py): failed logins per account and per client address
    # in moving windows; a full window locks until its oldest failure leaves it. memory:// is
    # one process's own; several workers or hosts share redis://host:6379/0 (REDIS_URL's).
    # Unset: REDIS_URL when that is set, else memory://.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or None
    LOGIN_ACCOUNT_LIMITS = os.environ.get("LOGIN_ACCOUNT_LIMITS",
                                          "5/minute;10/15 minutes;20/hour")
    # Looser: a ward's shared PC or a NAT puts many people behind one address.
    LOGIN_ADDRESS_LIMITS = os.environ.get("LOGIN_ADDRESS_LIMITS",
                                          "20/minute;50/15 minutes;100/hour")
    PASSWORD_MIN_LENGTH = int(os.environ.get("PASSWORD_MIN_LENGTH", "10"))
    # A whole checklist with several phone photos (each photo itself is capped at 25 MB).
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "100")) * 1024 * 1024
    # A JSON body (an inspection with every note filled is about 100 KB); photos come as files.
    MAX_JSON_BYTES = int(os.environ.get("MAX_JSON_KB", "1024")) * 1024
    WTF_CSRF_TIME_LIMIT = None  # a checklist may stay open for a whole patrol round
    ALLOWS_DEMO_SECRET = False
    # Notices (`flask notify`). Email is off while SMTP_HOST is unset.
    SMTP_HOST = os.environ.get("SMTP_HOST") or None
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME") or None
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD") or None
    SMTP_STARTTLS = os.environ.get("SMTP_STARTTLS", "0") == "1"
    SMTP_SSL = os.environ.get("SMTP_SSL", "0") == "1"
    SMTP_TIMEOUT = int(os.environ.get("SMTP_TIMEOUT", "30"))
    MAIL_FROM = os.environ.get("MAIL_FROM", "SafeRound <saferound@localhost>")
    # The group-chat robot is off while NOTIFY_WEBHOOK_URL is unset.
    NOTIFY_WEBHOOK_URL = os.environ.get("NOTIFY_WEBHOOK_URL") or None
    NOTIFY_WEBHOOK_FORMAT = os.environ.get("NOTIFY_WEBHOOK_FORMAT", "wecom")  # or dingtalk
    NOTIFY_WEBHOOK_SECRET = os.environ.get("NOTIFY_WEBHOOK_SECRET") or None  # DingTalk 加签
    NOTIFY_WEBHOOK_LOCALE = os.environ.get("NOTIFY_WEBHOOK_LOCALE", "zh_Hans")
    # Both robots accept 20 messages a minute; the rest wait for the next run.
    NOTIFY_WEBHOOK_MAX_PER_RUN = int(os.environ.get("NOTIFY_WEBHOOK_MAX_PER_RUN", "20"))
    NOTIFY_LOOKBACK_HOURS = int(os.environ.get("NOTIFY_LOOKBACK_HOURS", "72"))
    NOTIFY_MAX_ATTEMPTS = int(os.environ.get("NOTIFY_MAX_ATTEMPTS", "5"))
    # Behind a reverse proxy that ends HTTPS: how many proxies to trust for X-Forwarded-For and
    # X-Forwarded-Proto (0: none; the proxy must set both, overwriting what a client sent).
    PROXY_FIX = int(os.environ.get("PROXY_FIX", "0"))
    # `flask backup DEST` keeps the newest snapshot of each of the last BACKUP_KEEP days that
    # have one (a second run on one day replaces that day's earlier snapshot once it is complete).
    BACKUP_KEEP = int(os.environ.get("BACKUP_KEEP", "14"))
    # Strict-Transport-Security on HTTPS responses; 0 sends none (production sets a year).
    HSTS_SECONDS = 0
    # Logs go to stderr, one JSON object a line (json) or plain lines for a person (text).
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # Below this much free space where photos are written, /readyz says not ready and
    # administrators see a warning on every page: time to free space before uploads fail.
    PHOTO_MIN_FREE_MB = int(os.environ.get("PHOTO_MIN_FREE_MB", "1024"))
    # How long /readyz waits for the database and the photo store before saying not ready.
    READY_TIMEOUT_SECONDS = float(os.environ.get("READY_TIMEOUT_SECONDS", "3"))
    # `flask audit anchor`: the HMAC key that signs the anchors, kept outside the database (and
    # out of its backups); unset, only the demo and the tests run, with DEMO_AUDIT_KEY.
    AUDIT_KEY = os.environ.get("AUDIT_KEY") or None
    # The anchors, one line a day; None means <instance>/audit-anchors.jsonl. Put it on another
    # disk or host than the database.
    AUDIT_ANCHOR_FILE = os.environ.get("AUDIT_ANCHOR_FILE") or None
    # Each anchor is also mailed here (comma-separated addresses, through SMTP_HOST) when set.
    AUDIT_ANCHOR_MAIL_TO = os.environ.get("AUDIT_ANCHOR_MAIL_TO") or None


class DevelopmentConfig(Config):
    """The demo on one machine (`make run`): the demo key is accepted here and in tests only."""

    ALLOWS_DEMO_SECRET = True
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")


class TestingConfig(Config):
    TESTING = True
    ALLOWS_DEMO_SECRET = True
    SECRET_KEY = "testing"
    WTF_CSRF_ENABLED = False
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast for tests; production keeps scrypt
    SQLALCHEMY_ENGINE_OPTIONS = {}
    # Tests never reach a real mail server or chat robot; notice tests point at local sinks.
    SMTP_HOST = None
    WALL_CACHE_SECONDS = 0  # tests change data and look at once
    NOTIFY_WEBHOOK_URL = None
    NOTIFY_WEBHOOK_SECRET = None


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(365 * 24 * 3600)))


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env():
    """The settings class named by SAFEROUND_ENV; production when unset, so a server that
    forgot to say fails closed (it then needs SECRET_KEY)."""
    name = os.environ.get("SAFEROUND_ENV", "production")
    if name not in CONFIGS:
        raise RuntimeError(f"SAFEROUND_ENV must be one of {', '.join(CONFIGS)}, not {name!r}.")
    return CONFIGS[name]
