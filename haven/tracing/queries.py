"""What the tracing pages and the API read: requests searched, candidates to review."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from haven.core.limits import SEARCH_MAX_LENGTH, SEARCH_MAX_WORDS, as_id
from haven.tracing.models import Candidate, TracingRequest


def search_requests(query: str, *, state: str | None = None) -> QuerySet[TracingRequest]:
    """Requests whose sought person's names (or the asker's name) hold every word, or by id."""
    requests = TracingRequest.objects.all()
    if state:
        requests = requests.filter(state=state)
    query = query.strip()[:SEARCH_MAX_LENGTH]
    if not query:
        return requests
    by_words = Q()
    for word in query.split()[:SEARCH_MAX_WORDS]:
        by_words &= (
            Q(full_name__icontains=word)
            | Q(alternate_names__icontains=word)
            | Q(asker_name__icontains=word)
        )
    number = as_id(query)
    return requests.filter(by_words | Q(pk=number) if number is not None else by_words)


def candidates_for_review(
    *, state: str | None = None, label: str | None = None, request_id: int | None = None
) -> QuerySet[Candidate]:
    """Candidate pairs, most probable first, with what a reviewer's page shows."""
    candidates = Candidate.objects.select_related("person", "request", "first_person", "decided_by")
    if state:
        candidates = candidates.filter(state=state)
    if label:
        candidates = candidates.filter(label=label)
    if request_id is not None:
        candidates = candidates.filter(request_id=request_id)
    return candidates
