from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
application = get_wsgi_application()

# Every serving process (waitress, each gunicorn worker, any WSGI server) loads this module
# before its first request: that request must not pay the process's start-up.
from haven.core.warmup import warm_up  # noqa: E402 - needs the apps loaded above

warm_up()
