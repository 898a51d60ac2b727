"""What pages read from a posted form without a Django form: held to the same limits."""

from __future__ import annotations

from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext as _

from haven.core.errors import HavenError
from haven.core.limits import TEXT_MAX_LENGTH


def posted_text(data: QueryDict, name: str, model: type[models.Model], field: str = "") -> str:
    """The posted text `name`, refused (HavenError naming it) if it cannot fit `model.field`."""
    value = data.get(name, "")
    column = model._meta.get_field(field or name)
    limit = getattr(column, "max_length", None) or TEXT_MAX_LENGTH
    if len(value) > limit:
        raise HavenError(
            _("%(name)s is %(count)s characters long: at most %(limit)s")
            % {"name": name, "count": f"{len(value):,}", "limit": f"{limit:,}"}
        )
    return value
