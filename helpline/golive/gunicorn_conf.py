"""gunicorn settings for the helpline behind an HTTPS proxy (nginx, Caddy, a load balancer).

Used by ``helpline serve --production``, or directly:

    gunicorn -c python:helpline.golive.gunicorn_conf --bind 127.0.0.1:8000 'helpline:create_app()'

Command-line flags win over what is set here. HELPLINE_WORKERS and HELPLINE_THREADS size the
pool when the default (sized to this machine's CPUs) does not fit.
"""

from __future__ import annotations

import os

#: Listen on loopback only: the HTTPS proxy in front is the only client.
bind = ["127.0.0.1:8000"]


def default_workers(cpus: int | None = None) -> int:
    """gunicorn's rule of thumb, 2 per CPU + 1, capped: each worker holds all content in memory
    and webhooks are short, so more processes than this only cost memory."""
    cpus = cpus or os.cpu_count() or 1
    return min(2 * cpus + 1, 8)


workers = int(os.environ.get("HELPLINE_WORKERS") or default_workers())
# Threads keep a worker answering while one request waits on the database or a slow client.
worker_class = "gthread"
threads = int(os.environ.get("HELPLINE_THREADS") or 4)

# Twilio gives up on a webhook after 15 s; a request still running after 30 s is stuck.
timeout = 30
# On SIGHUP (systemctl reload) or SIGTERM, requests in flight get this long to finish.
graceful_timeout = 30
# The proxy keeps connections open to us; close idle ones a little after it would.
keepalive = 75

# Months of uptime: replace each worker after a few thousand requests, at staggered times,
# so a slow leak anywhere never grows into an outage.
max_requests = 5000
max_requests_jitter = 500

# No preloading: each worker builds its own app, so its background threads (usage counts)
# start in the worker, and a reload picks up new content and code.
preload_app = False

# Who may set X-Forwarded-* is the app's decision (HELPLINE_TRUSTED_PROXIES, through ProxyFix),
# so gunicorn itself trusts no forwarding header from anyone.
forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}

# Logs on stdout/stderr for journald or a container runtime; no number in any line.
accesslog = "-"
errorlog = "-"
loglevel = "info"
logger_class = "helpline.golive.accesslog.MaskingLogger"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

proc_name = "helpline"

# gunicorn 25+ opens a control socket in the user's home by default; two instances of one user
# would fight over it, and systemd's reload (SIGHUP) and stop (SIGTERM) are all we need.
control_socket_disable = True
