from __future__ import annotations

from django.db import models


class Kind(models.TextChoices):
    WRITE = "write", "write"
    READ = "read", "sensitive read"


class Channel(models.TextChoices):
    WEB = "web", "web"
    API = "api", "API"
    CLI = "cli", "command line"
    SYSTEM = "system", "system"
