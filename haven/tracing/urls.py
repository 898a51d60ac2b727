"""Tracing pages (requests, candidates, reunifications) come with the tracing app's next wave."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "tracing"
urlpatterns: list[URLPattern] = []
