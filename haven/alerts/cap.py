"""CAP 1.2 XML out (one alert, or every issued alert in one document) and the Atom feed of
the active alerts.

CAP 1.2 defines no element that holds several alerts, so `haven alerts export --all` writes
a minimal wrapper, `<alerts xmlns="urn:x-haven:cap-collection:1">`, around standard
`<cap:alert>` elements (schemas/haven-cap-collection.xsd imports the official XSD, so the
whole file validates and each alert in it is a valid CAP message on its own).

Times carry a numeric offset (`+00:00`), never `Z`, which the CAP schema refuses. The
area's circle and polygon leave Haven only where the location policy lets them: a Public
alert carries none unless the commander chose to share them, and a reader who may not see
locations gets none at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from xml.etree import ElementTree as ET

from django.utils import timezone

from haven.alerts.choices import Scope
from haven.alerts.models import Alert
from haven.audit.trail import read_only
from haven.core import policy

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
COLLECTION_NS = "urn:x-haven:cap-collection:1"
ATOM_NS = "http://www.w3.org/2005/Atom"
LANGUAGE = "en"

ET.register_namespace("cap", CAP_NS)


@read_only
def cap_time(moment: datetime) -> str:
    """2026-11-30T18:00:00+00:00: seconds, a numeric offset, never Z."""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


@read_only
def coordinates_leave(alert: Alert, reader: Any) -> bool:
    """Whether this export of `alert` to `reader` (None: the command line, run by whoever
    holds the server) may carry its circle and polygon."""
    if not alert.has_coordinates:
        return False
    if alert.scope == Scope.PUBLIC and not alert.share_coordinates:
        return False
    if alert.scope == Scope.PUBLIC:
        return True  # the commander chose to publish them
    return reader is None or policy.G.LOCATION in policy.role_groups(reader)


def _sub(parent: ET.Element, tag: str, text: str, ns: str = CAP_NS) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ns}}}{tag}")
    element.text = text
    return element


@read_only
def alert_element(alert: Alert, *, coordinates: bool) -> ET.Element:
    """One issued alert as a CAP 1.2 `<alert>` element, in the schema's order."""
    root = ET.Element(f"{{{CAP_NS}}}alert")
    _sub(root, "identifier", alert.identifier)
    _sub(root, "sender", alert.sender)
    _sub(root, "sent", cap_time(alert.sent or alert.drafted_at))
    _sub(root, "status", alert.status)
    _sub(root, "msgType", alert.msg_type)
    _sub(root, "scope", alert.scope)
    if alert.restriction:
        _sub(root, "restriction", alert.restriction)
    if alert.addresses:
        _sub(root, "addresses", alert.addresses)
    if alert.note:
        _sub(root, "note", alert.note)
    if alert.references:
        _sub(root, "references", alert.references)
    info = ET.SubElement(root, f"{{{CAP_NS}}}info")
    _sub(info, "language", LANGUAGE)
    _sub(info, "category", alert.category)
    _sub(info, "event", alert.event)
    if alert.response_type:
        _sub(info, "responseType", alert.response_type)
    _sub(info, "urgency", alert.urgency)
    _sub(info, "severity", alert.severity)
    _sub(info, "certainty", alert.certainty)
    _sub(info, "expires", cap_time(alert.expires))
    _sub(info, "headline", alert.headline)
    if alert.description:
        _sub(info, "description", alert.description)
    instruction = alert.instruction
    if alert.assemble_at:
        instruction = f"{instruction}\nAssemble at: {alert.assemble_at}".strip()
    if instruction:
        _sub(info, "instruction", instruction)
    if alert.area_desc:
        area = ET.SubElement(info, f"{{{CAP_NS}}}area")
        _sub(area, "areaDesc", alert.area_desc)
        if coordinates and alert.polygon:
            _sub(area, "polygon", alert.polygon)
        if coordinates and alert.circle:
            _sub(area, "circle", alert.circle)
    return root


def _document(root: ET.Element, namespace: str) -> bytes:
    ET.indent(root)
    text: bytes = ET.tostring(
        root, encoding="utf-8", xml_declaration=True, default_namespace=namespace
    )
    return text + b"\n"


@read_only
def alert_xml(alert: Alert, *, reader: Any) -> bytes:
    """One alert as a CAP 1.2 document."""
    return _document(alert_element(alert, coordinates=coordinates_leave(alert, reader)), CAP_NS)


@read_only
def collection_xml(alerts: Iterable[Alert], *, reader: Any) -> bytes:
    """Several alerts in one document: the minimal wrapper around standard CAP alerts."""
    root = ET.Element(f"{{{COLLECTION_NS}}}alerts")
    for alert in alerts:
        root.append(alert_element(alert, coordinates=coordinates_leave(alert, reader)))
    return _document(root, COLLECTION_NS)


@read_only
def atom_feed(alerts: Iterable[Alert], *, feed_url: str, link_of: Any, cap_link_of: Any) -> bytes:
    """The active alerts as an Atom feed (RFC 4287); each entry links the alert's page and
    its CAP message. No coordinates: a feed is read by whatever the reader points at it."""
    alerts = list(alerts)
    # Unqualified names under one xmlns: Atom as feed readers expect it, without a prefix.
    feed = ET.Element("feed", xmlns=ATOM_NS)
    ET.SubElement(feed, "id").text = feed_url
    ET.SubElement(feed, "title").text = "Active alerts"
    newest = max((a.sent for a in alerts if a.sent), default=timezone.now())
    ET.SubElement(feed, "updated").text = cap_time(newest)
    ET.SubElement(feed, "link", rel="self", href=feed_url)
    author = ET.SubElement(feed, "author")
    ET.SubElement(author, "name").text = alerts[0].sender if alerts else "Haven"
    for alert in alerts:
        entry = ET.SubElement(feed, "entry")
        ET.SubElement(entry, "id").text = f"urn:uuid:{alert.identifier.removeprefix('haven-')}"
        ET.SubElement(entry, "title").text = alert.headline
        ET.SubElement(entry, "updated").text = cap_time(alert.sent or alert.drafted_at)
        ET.SubElement(entry, "category", term=alert.severity, label=str(alert.priority.label))
        ET.SubElement(entry, "link", rel="alternate", href=link_of(alert))
        ET.SubElement(
            entry, "link", rel="related", type="application/cap+xml", href=cap_link_of(alert)
        )
        summary = " ".join(part for part in (alert.description, alert.instruction) if part)
        ET.SubElement(entry, "summary").text = summary or alert.headline
    ET.indent(feed)
    text: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return text + b"\n"
