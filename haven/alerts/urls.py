from __future__ import annotations

from django.urls import path

from haven.alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list, name="list"),
    path("draft/", views.alert_draft, name="draft"),
    path("feed.atom", views.feed, name="feed"),
    path("<int:alert_id>/", views.alert_detail, name="detail"),
    path("<int:alert_id>/cap.xml", views.cap_xml, name="cap"),
    path("<int:alert_id>/approve/", views.alert_approve, name="approve"),
    path("<int:alert_id>/issue/", views.alert_issue, name="issue"),
    path("<int:alert_id>/ack/", views.alert_ack, name="ack"),
    path("<int:alert_id>/update/", views.alert_update, name="update"),
    path("<int:alert_id>/cancel/", views.alert_cancel, name="cancel"),
    path("<int:alert_id>/muster/", views.alert_muster, name="muster"),
    path("<int:alert_id>/acknowledgements/", views.alert_unacknowledged, name="unacknowledged"),
]
