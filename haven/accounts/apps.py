from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate


def _sync_roles(sender: AppConfig, **kwargs: Any) -> None:
    from haven.accounts.roles import sync_roles

    sync_roles(using=kwargs.get("using", "default"))


class AccountsConfig(AppConfig):
    name = "haven.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        # Each app's permissions are created by its own post_migrate signal, so the roles
        # are brought up to date after every app's, not only this one's.
        post_migrate.connect(_sync_roles, dispatch_uid="haven.accounts.sync_roles")
        from haven.accounts import language, second_factor

        user_logged_in.connect(
            second_factor.remember_what_is_owed, dispatch_uid="haven.accounts.second_factor"
        )
        user_logged_in.connect(
            language.remember_chosen_language, dispatch_uid="haven.accounts.language"
        )
