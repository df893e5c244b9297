"""gunicorn settings for SafeRound: `gunicorn -c gunicorn.conf.py wsgi:app` (`make run` uses it).

Chosen by bench/serving.py (50 guards submitting with photos on 2 cores; figures in README's
"Serving: gunicorn.conf.py"). Every value can be overridden on the command line, and the
counts through the environment variables named below.
"""

import os

# Where to listen: SAFEROUND_BIND ("127.0.0.1:8000", "unix:/run/saferound.sock"), else
# HOST and PORT. Loopback by default: nginx in front ends HTTPS (README, "Deploying").
bind = os.environ.get("SAFEROUND_BIND") or (
    f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}")

# Threads, not more processes: a request that waits (on the database, the disk, a phone's
# kept-alive connection) holds a thread, not a whole process, and Pillow lets go of the GIL
# while it decodes, resizes and encodes, so one process's threads overlap on both cores. When
# the CPU itself is the limit they match two sync workers (README); where two sync workers
# both wait on the database, every other request waits with them.
worker_class = "gthread"
# One process per core: each has its own GIL, and more only cost memory (about 100 MB each).
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2))
threads = int(os.environ.get("GUNICORN_THREADS", "32"))

# A gthread worker's main loop reports to the master while its threads work, so this bounds a
# stuck process, not a slow request: requests are bounded by the app (database waits of a few
# seconds, then 503). Generous so that a sync-worker override (-k sync) still lets one
# checklist with 25 heavy photos (about 1 s of CPU each) finish.
timeout = 60
# On a restart (HUP, max_requests, deploy) a worker finishes what it has: a photo takes well
# under 2 s, a whole checklist with its photos a few more.
graceful_timeout = 30
# Phones send their outbox photo after photo on one connection: keep it open between them.
keepalive = 5

# Renew each worker after this many requests, staggered, so that memory Pillow's large
# buffers leave fragmented is given back.
max_requests = 2000
max_requests_jitter = 200

# The app writes one structured JSON line per request itself (with its request id); gunicorn's
# own access log would only repeat it. Errors and worker restarts go to standard error.
accesslog = None
errorlog = "-"
loglevel = "info"

# No control socket (gunicornc): by default every gunicorn of one user shares
# ~/.gunicorn/gunicorn.ctl, so a second instance (a test, a benchmark) takes over the first's.
# Restart and stop with signals (HUP, TERM) or the service manager.
control_socket_disable = True


def post_worker_init(worker):
    """Hand the GIL on every millisecond, not every 5: a thread back from the network (a static
    file, a page) waits behind busy threads for its turn after each read and write, and at 5 ms
    a turn a small answer took longer than a photo (bench/serving.py)."""
    import sys

    sys.setswitchinterval(float(os.environ.get("GIL_SWITCH_SECONDS", "0.001")))
