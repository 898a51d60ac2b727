from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from django_stubs_ext import StrOrPromise

from haven.core import policy
from haven.core.access import permission_required
from haven.core.errors import HavenError
from haven.core.limits import as_id
from haven.core.pagination import CountedPaginator, bounded_count
from haven.core.rows import BadRow, build_rows, read_rows
from haven.core.signals import report_export
from haven.missions.models import MissionMember
from haven.people import (
    accounting,
    aggregates,
    duplicates,
    importing,
    merging,
    musters,
    services,
)
from haven.people.choices import Sex, Status
from haven.people.duplicates import PossibleDuplicate, PossibleDuplicates
from haven.people.households import household_labels, same_name
from haven.people.models import Household, Muster, Person, PersonMerge, Skill, Team


class PersonForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=200, required=False)
    given_name = forms.CharField(label=gettext_lazy("Given name"), max_length=100, required=False)
    family_name = forms.CharField(label=gettext_lazy("Family name"), max_length=100, required=False)
    alternate_names = forms.CharField(
        label=gettext_lazy("Other names"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=gettext_lazy("One per line."),
    )
    sex = forms.ChoiceField(
        label=gettext_lazy("Sex"),
        choices=Sex.choices,
        initial=Sex.UNKNOWN,
        widget=forms.RadioSelect,
    )
    date_of_birth = forms.DateField(
        label=gettext_lazy("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    estimated_age = forms.IntegerField(
        label=gettext_lazy("Estimated age"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=gettext_lazy("If the date of birth is unknown."),
    )
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=40, required=False)
    household = forms.ModelChoiceField(
        Household.objects.all(), label=gettext_lazy("Household"), required=False
    )
    team = forms.ModelChoiceField(Team.objects.all(), label=gettext_lazy("Team"), required=False)
    skills = forms.ModelMultipleChoiceField(
        Skill.objects.all(), required=False, to_field_name="code"
    )
    special_needs = forms.CharField(
        label=gettext_lazy("Special needs"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    extra_energy_kcal = forms.IntegerField(
        label=gettext_lazy("Extra energy (kcal a day)"), min_value=0, max_value=5000, initial=0
    )
    pregnant_or_lactating = forms.BooleanField(
        label=gettext_lazy("Pregnant or lactating"), required=False
    )
    languages = forms.CharField(label=gettext_lazy("Languages"), max_length=200, required=False)
    notes = forms.CharField(
        label=gettext_lazy("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Households told apart by their head and shelter ("Afonja household" twice), and
        # picked by typing (core/picker.js); a plain list without JavaScript.
        household = self.fields["household"]
        labels = household_labels(Household.objects.all())
        household.label_from_instance = lambda record: labels.get(record.pk, record.name)  # type: ignore[attr-defined]
        household.widget.attrs["data-picker"] = gettext_lazy("Type a name")


class RegisterForm(PersonForm):
    """Registration: the household may be a new one, named here and made with the person."""

    new_household = forms.CharField(
        max_length=120,
        required=False,
        label=gettext_lazy("Or a new household"),
        help_text=gettext_lazy("Its name, e.g. “Afonja household”; leave the list above empty."),
    )
    same_name_ok = forms.BooleanField(
        required=False, label=gettext_lazy("A different household that has the same name")
    )

    field_order = ["full_name", "sex", "estimated_age", "household", "new_household"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name = (data.get("new_household") or "").strip()
        if name and data.get("household"):
            self.add_error("new_household", _("Choose a household or name a new one, not both."))
        elif name and not data.get("same_name_ok"):
            taken = same_name(name)
            if taken:
                labels = household_labels(taken)
                self.add_error(
                    "new_household",
                    _(
                        "There is already a household named %(name)s: %(which)s. Choose it "
                        "above, or tick “a different household that has the same name”."
                    )
                    % {"name": name, "which": "; ".join(labels[h.pk] for h in taken)},
                )
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[choice for choice in Status.choices if choice[0] != Status.MERGED],
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300, required=False)
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200, required=False)
    correction = forms.BooleanField(label=gettext_lazy("This corrects a mistake"), required=False)


class DepartureForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)
    destination = forms.CharField(label=gettext_lazy("Destination"), max_length=200, required=False)
    equipment_returned = forms.CharField(
        label=gettext_lazy("Equipment handed back"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    expected_back = forms.DateField(
        label=gettext_lazy("Expected back"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ReturnForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)
    injured = forms.BooleanField(label=gettext_lazy("Came back injured"), required=False)


# A search that finds more than this many people says so ("more than 1,000") instead of
# counting on: the reader refines it, and no search counts a million rows.
SEARCH_COUNT_BOUND = 1000
PAGE_SIZE = 50
# What a row shows (and `Person.problems` reads): the other columns are not read.
LISTED_FIELDS = (
    "full_name",
    "record_id",
    "sex",
    "date_of_birth",
    "birth_date_is_estimate",
    "status",
    "household__name",
)
# reverse() once per page, not once per row: the row's id goes where this one is.
_ID_MARK = 999_999_999_999


PROBLEM_BADGE = '<span class="badge problem" title="{}">{}</span>'


@dataclass(frozen=True, slots=True)
class ListedPerson:
    """One row of the people list, its whole `<tr>`. Its cells are put together here with
    `escape`, not by the template language or `format_html`: at fifty rows a page,
    resolving each cell's variables cost more than the rest of the page."""

    pk: int
    row: SafeString
    is_bad: bool = False


def _listed(
    request: HttpRequest, people: list[Person | BadRow], detailed: bool, households: bool
) -> list[ListedPerson | BadRow]:
    detail_url = reverse("people:detail", args=[_ID_MARK])
    today = timezone.localdate()
    # Labels translated once per page (a lazy label would be translated again in every row).
    sexes = {value: escape(str(label)) for value, label in Sex.choices}
    statuses = {value: escape(str(label)) for value, label in Status.choices}
    on_mission = f' <span class="badge on-mission">{escape(_("on mission"))}</span>'
    # The policy only ever adds to what a role sees of a record (its own, a mission team's):
    # a role that opens every record needs no question per row.
    opens_all = bool(policy.role_groups(request.user) - {policy.G.NAME, policy.G.RECORD})
    needs_correcting = escape(_("this record needs correcting"))

    def build(person: Person) -> ListedPerson:
        problems = person.problems
        name = escape(person.full_name)
        if opens_all or policy.opens(request.user, person):
            url = detail_url.replace(str(_ID_MARK), str(person.pk))
            cells = [f'<td><a href="{url}">{name}</a>']
        else:
            cells = [f"<td>{name}"]
        cells += [
            " " + PROBLEM_BADGE.format(needs_correcting, escape(problem)) for problem in problems
        ]
        cells.append("</td>")
        if detailed:
            if problems:
                age = "?"
            else:
                years = person.age_years(today)
                age = "?" if years is None else str(years)
                age += "~" if years is not None and person.birth_date_is_estimate else ""
            sex = sexes.get(person.sex) or escape(person.sex)
            cells.append(
                f'<td class="hide-narrow">{escape(person.display_id)}</td><td>{sex}</td>'
                f'<td class="num">{age}</td>'
            )
        if households:
            cells.append(f'<td class="hide-narrow">{escape(person.household or "")}</td>')
        if detailed:
            status = escape(person.status)
            label = statuses.get(person.status) or status
            cells.append(f'<td><span class="badge status-{status}">{label}</span>')
            if getattr(person, "on_mission", False):
                cells.append(on_mission)
            cells.append("</td>")
        return ListedPerson(pk=person.pk, row=SafeString(f"<tr>{''.join(cells)}</tr>"))

    good = [person for person in people if isinstance(person, Person)]
    built = build_rows(good, build, label=lambda person: f"person {person.pk}")
    rows = iter(built)
    return [person if isinstance(person, BadRow) else next(rows) for person in people]


@permission_required("people.view_person")
def person_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    groups = policy.role_groups(request.user)
    # Status and other names are identity: a reader who sees names only searches by name.
    detailed = policy.G.IDENTITY in groups
    households = policy.G.HOUSEHOLD in groups
    status = request.GET.get("status", "") if detailed else ""
    people = (
        Person.objects.search(query, names_only=not detailed)
        .select_related("household")
        .only(*LISTED_FIELDS)
    )
    if status in Status.values:
        people = people.filter(status=status)
    # The whole registry (or one status) is counted by the aggregates, a search up to a bound.
    if query.strip():
        count, exact = bounded_count(people, SEARCH_COUNT_BOUND)
    else:
        count, exact = aggregates.headcount(status or None), True
    if detailed:
        # Who is out on a mission, read with the page's rows (not one more query per page).
        out = MissionMember.objects.out().filter(person=OuterRef("pk"))
        people = people.annotate(on_mission=Exists(out))
    paginator = CountedPaginator(people, PAGE_SIZE, count=count, exact=exact)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = _listed(request, read_rows(page.object_list), detailed, households)
    template = "people/_rows.html" if request.headers.get("HX-Request") else "people/list.html"
    return render(
        request,
        template,
        {
            "page": page,
            "query": query,
            "status": status,
            "statuses": Status.choices,
            "detailed": detailed,
            "households": households,
        },
    )


def _visible_person(request: HttpRequest, person_id: int) -> Person:
    person = get_object_or_404(Person.objects.select_related("household", "team"), pk=person_id)
    if not policy.opens(request.user, person):
        raise PermissionDenied(_("your role may see only the roster's names and your own record"))
    return person


def _status_form(person: Person) -> StatusForm:
    """For someone missing, the form offers the status they had before: found, an injured
    person is injured again, not present."""
    if person.status != Status.MISSING:
        return StatusForm()
    before = services.status_before_missing(person)
    return StatusForm(
        initial={"status": before, "reason": f"found: back to {Status(before).label.lower()}"}
    )


@permission_required("people.view_person")
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _visible_person(request, person_id)
    visible = policy.fields_of("people.person", policy.visible_groups(request.user, person))
    revisions = []
    for revision in person.revisions.select_related("changed_by")[:20]:
        # An edit shows only the fields the reader may see of this person.
        changes = {field: values for field, values in revision.changes.items() if field in visible}
        if changes:
            revisions.append((revision, changes))
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "events": person.status_events.select_related("recorded_by"),
            "revisions": revisions,
            "departures": person.departures.all()[:10],
            "status_form": _status_form(person),
            "departure_form": DepartureForm(),
            "return_form": ReturnForm(),
            "household_members": (
                person.household.members.exclude(pk=person.pk) if person.household else []
            ),
            "merges": PersonMerge.objects.filter(kept=person, undone_at__isnull=True)
            .select_related("merged")
            .order_by("-merged_at")[:20],
        },
    )


@permission_required("people.merge_people")
@require_POST
def person_merge(request: HttpRequest, person_id: int) -> HttpResponse:
    """Merge the record named in the form (a duplicate) into this one."""
    kept = get_object_or_404(Person, pk=person_id)
    text = request.POST.get("merged", "").strip()
    number = as_id(text)
    try:
        if number is None:
            raise HavenError(f"{text!r} is not a person's id (write it as 123 or #123)")
        merging.merge_people(
            by=request.user,
            kept=kept,
            merged=services.get_person(number),
            reason=request.POST.get("reason", "")[:300],
        )
    except HavenError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Merged #%(merged)s into this record.") % {"merged": number})
    return redirect("people:detail", person_id=kept.pk)


@permission_required("people.merge_people")
@require_POST
def person_unmerge(request: HttpRequest, person_id: int) -> HttpResponse:
    """Undo the merge of this record into another."""
    merged = get_object_or_404(Person, pk=person_id)
    try:
        merging.unmerge_people(by=request.user, merged=merged)
    except HavenError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The merge was undone."))
    return redirect("people:detail", person_id=merged.pk)


@permission_required("people.add_person")
def person_add(request: HttpRequest) -> HttpResponse:
    # "Register another member" links here with the household chosen.
    initial = {"household": request.GET.get("household", "")}
    form = RegisterForm(request.POST or None, initial=initial)
    found: list[PossibleDuplicate] = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["skills"] = [skill.code for skill in data["skills"]]
        new_household = data.pop("new_household", "").strip()
        same_name_ok = data.pop("same_name_ok", False)
        data["confirm_duplicate"] = bool(request.POST.get("confirm_duplicate"))
        try:
            if new_household:
                data.pop("household", None)
                person = services.register_in_new_household(
                    by=request.user,
                    household_name=new_household,
                    allow_same_name=same_name_ok,
                    **data,
                )
            else:
                person = services.register_person(by=request.user, **data)
        except PossibleDuplicates as warning:
            found = warning.found
        except HavenError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Registered %(name)s.") % {"name": person.full_name})
            return redirect("people:detail", person_id=person.pk)
    return render(
        request,
        "people/form.html",
        {"form": form, "title": _("Register a person"), "duplicates": found},
    )


def _initial(person: Person) -> dict[str, object]:
    return {
        **{name: getattr(person, name) for name in EDITABLE_FORM_FIELDS},
        "household": person.household_id,
        "team": person.team_id,
        "skills": list(person.skills.values_list("code", flat=True)),
    }


# The policy's name for a form field that differs.
FORM_FIELD_POLICY = {"estimated_age": "age"}

EDITABLE_FORM_FIELDS = (
    "full_name",
    "given_name",
    "family_name",
    "alternate_names",
    "sex",
    "date_of_birth",
    "phone",
    "special_needs",
    "extra_energy_kcal",
    "pregnant_or_lactating",
    "languages",
    "notes",
)


@permission_required("people.change_person")
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_id)
    form = PersonForm(request.POST or None, initial=_initial(person))
    # A field the editor may not see is neither shown nor changed (a clerk keeps a
    # person's protection details they recorded at registration, unseen).
    visible = policy.fields_of("people.person", policy.visible_groups(request.user, person))
    for name in list(form.fields):
        if FORM_FIELD_POLICY.get(name, name) not in visible:
            del form.fields[name]
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        if "skills" in data:
            data["skills"] = [skill.code for skill in data["skills"]]
        try:
            services.update_person(by=request.user, person=person, **data)
        except HavenError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Saved %(name)s; the old values are kept.") % {"name": person.full_name},
            )
            return redirect("people:detail", person_id=person.pk)
    title = _("Edit %(name)s") % {"name": person.full_name}
    return render(request, "people/form.html", {"form": form, "title": title})


@permission_required("people.view_household")
def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    household = get_object_or_404(Household, pk=household_id)
    return render(
        request,
        "people/household.html",
        {
            "household": household,
            # Ordered by birth only for a reader who may see it.
            "members": household.members.order_by(
                "date_of_birth"
                if policy.G.IDENTITY in policy.role_groups(request.user)
                else "full_name"
            ),
            "detailed": policy.G.IDENTITY in policy.role_groups(request.user),
        },
    )


def _person_action(
    request: HttpRequest,
    person_id: int,
    form_class: type[forms.Form],
    action: Callable[..., object],
    done: StrOrPromise,
    invalid: StrOrPromise,
) -> HttpResponse:
    """Run one service on a person from a posted form; its message shows on their page."""
    person = get_object_or_404(Person, pk=person_id)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, invalid)
    else:
        try:
            action(by=request.user, person=person, **form.cleaned_data)
            messages.success(request, str(done) % {"name": person.full_name})
        except HavenError as error:
            messages.error(request, str(error))
    return redirect("people:detail", person_id=person.pk)


@require_POST
@permission_required("people.change_status")
def person_status(request: HttpRequest, person_id: int) -> HttpResponse:
    return _person_action(
        request,
        person_id,
        StatusForm,
        services.change_status,
        _("%(name)s: status recorded."),
        _("Choose a status."),
    )


@require_POST
@permission_required("people.record_departure")
def person_departure(request: HttpRequest, person_id: int) -> HttpResponse:
    return _person_action(
        request,
        person_id,
        DepartureForm,
        services.record_departure,
        _("%(name)s has departed."),
        _("A departure needs a reason."),
    )


@require_POST
@permission_required("people.record_departure")
def person_return(request: HttpRequest, person_id: int) -> HttpResponse:
    return _person_action(
        request,
        person_id,
        ReturnForm,
        services.record_return,
        _("%(name)s is back."),
        _("Check the return form."),
    )


@permission_required("people.export_people")
def person_export(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="people-{date.today()}.csv"'
    groups = policy.role_groups(request.user)
    columns = importing.export_columns(groups)
    rows = importing.export_csv(importing.export_queryset(), response, columns)  # type: ignore[arg-type]
    report_export(user=request.user, model="people.person", rows=rows, channel="web", kind="csv")
    for group in groups & policy.SENSITIVE:
        policy.note_read(request, request.user, group, "people.person", None)
    return response


IMPORT_PAGE = {"check_rows": duplicates.IMPORT_CHECK_ROWS}


@permission_required("people.import_people")
def person_import(request: HttpRequest) -> HttpResponse:
    """A CSV of people, checked whole first; a bad file is a 400 naming line and column."""
    upload = request.FILES.get("file")
    if request.method == "POST" and isinstance(upload, UploadedFile):
        if request.POST.get("check_duplicates"):
            try:
                warnings = list(duplicates.import_warnings(upload.open("rb")))
            except HavenError as error:
                messages.error(request, str(error))
                return render(request, "people/import.html", IMPORT_PAGE, status=400)
            if warnings:
                return render(request, "people/import.html", {**IMPORT_PAGE, "warnings": warnings})
        try:
            result = importing.import_people(by=request.user, stream=upload.open("rb"))
        except HavenError as error:
            messages.error(request, str(error))
            return render(request, "people/import.html", IMPORT_PAGE, status=400)
        messages.success(
            request,
            ngettext("%(count)s person imported.", "%(count)s people imported.", result.imported)
            % {"count": result.imported},
        )
        return redirect("people:list")
    return render(request, "people/import.html", IMPORT_PAGE)


# --- muster ----------------------------------------------------------------------------

# How many names a muster page lists in one go (the figures always count everyone).
MUSTER_LIST_LIMIT = 500


@permission_required("people.check_in_muster")
def muster(request: HttpRequest) -> HttpResponse:
    current = musters.open_muster_or_none()
    if current is not None:
        return render(request, "people/muster_open.html", _muster_context(current))
    recent = list(Muster.objects.all()[:10])
    counted = accounting.accounts(recent)
    return render(
        request,
        "people/muster_closed.html",
        {
            "last": counted[recent[0].pk] if recent else None,
            "recent": [counted[m.pk] for m in recent],
            "in_camp": Person.objects.in_camp().count(),
        },
    )


def _sees_status(request: HttpRequest) -> bool:
    """Whether the reader's role sees people's status (the identity group): a roll call shows
    a scout or a quartermaster names only, as the API does."""
    return policy.FieldGroup.IDENTITY in policy.role_groups(request.user)


def _muster_context(current: Muster) -> dict[str, object]:
    return {
        "muster": current,
        "account": accounting.account(current),
        "recent": current.check_ins.select_related("person", "checked_by")[:8],
    }


@permission_required("people.check_in_muster")
def muster_counts(request: HttpRequest, muster_id: int) -> HttpResponse:
    current = musters.get_muster(muster_id)
    return render(request, "people/_muster_counts.html", _muster_context(current))


@permission_required("people.check_in_muster")
def muster_search(request: HttpRequest, muster_id: int) -> HttpResponse:
    current = musters.get_muster(muster_id)
    query = request.GET.get("q", "").strip()
    results = []
    if query:
        results = list(
            Person.objects.search(query)
            .exclude(status__in=[Status.DECEASED, Status.DEPARTED])
            .order_by("full_name")[:12]
        )
    checked = set(current.check_ins.filter(person__in=results).values_list("person_id", flat=True))
    return render(
        request,
        "people/_muster_results.html",
        {
            "muster": current,
            "results": results,
            "checked": checked,
            "query": query,
            "see_status": _sees_status(request),
        },
    )


@require_POST
@permission_required("people.check_in_muster")
def muster_check_in(request: HttpRequest, muster_id: int) -> HttpResponse:
    current = musters.get_muster(muster_id)
    person = get_object_or_404(Person, pk=_posted_id(request.POST.get("person_id", "")) or 0)
    try:
        result = musters.check_in(by=request.user, muster=current, person=person)
    except HavenError as error:
        return render(request, "people/_muster_flash.html", {"error": str(error)}, status=400)
    person.refresh_from_db(fields=["status"])
    context = {"person": person, "created": result.created, "found": result.status_event}
    if request.headers.get("HX-Request"):
        return render(request, "people/_muster_flash.html", context)
    return redirect("people:muster")


@require_POST
@permission_required("people.run_muster")
def muster_open(request: HttpRequest) -> HttpResponse:
    try:
        musters.open_muster(
            by=request.user,
            label=request.POST.get("label", ""),
            place=request.POST.get("place", ""),
        )
    except HavenError as error:
        messages.error(request, str(error))
    return redirect("people:muster")


@require_POST
@permission_required("people.run_muster")
def muster_close(request: HttpRequest, muster_id: int) -> HttpResponse:
    current = musters.get_muster(muster_id)
    try:
        closed = musters.close_muster(by=request.user, muster=current)
    except HavenError as error:
        messages.error(request, str(error))
        return redirect("people:muster")
    figures = accounting.account(closed)
    elsewhere = f" ({figures.elsewhere_summary})" if figures.elsewhere_summary else ""
    messages.success(
        request,
        _(
            "Muster closed: %(checked)s checked in, %(elsewhere)s accounted for "
            "elsewhere%(where)s, %(unaccounted)s unaccounted for."
        )
        % {
            "checked": figures.checked_in,
            "elsewhere": figures.elsewhere_count,
            "where": elsewhere,
            "unaccounted": figures.unaccounted,
        },
    )
    return redirect("people:muster_detail", muster_id=closed.pk)


def _posted_id(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() and len(value) <= 18 else None


def _left_alone(people: list[musters.LeftAlone]) -> str:
    return _("; left alone: %(people)s") % {"people": "; ".join(map(str, people))} if people else ""


@require_POST
@permission_required("people.run_muster")
def muster_mark_missing(request: HttpRequest, muster_id: int) -> HttpResponse:
    current = musters.get_muster(muster_id)
    everyone = request.POST.get("all") == "1"
    posted = request.POST.getlist("person")
    ids = [_posted_id(value) for value in posted]
    try:
        if not everyone and not posted:
            raise HavenError(_("Tick at least one person to mark missing."))
        if None in ids:
            wrong = next(v for v in posted if not _posted_id(v))
            raise HavenError(_("not a person id: %(value)r") % {"value": wrong})
        result = musters.mark_missing(
            by=request.user,
            muster=current,
            person_ids=None if everyone else [pk for pk in ids if pk is not None],
            note=request.POST.get("note", ""),
        )
    except HavenError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _(
                "%(count)s marked missing (batch #%(batch)s)%(left)s. "
                "If this was a mistake, undo the batch below."
            )
            % {
                "count": len(result.marks),
                "batch": result.batch.pk,
                "left": _left_alone(result.left_alone),
            },
        )
    return redirect("people:muster_detail", muster_id=current.pk)


@require_POST
@permission_required("people.run_muster")
def muster_undo_batch(request: HttpRequest, muster_id: int, batch_id: int) -> HttpResponse:
    current = musters.get_muster(muster_id)
    batch = musters.get_batch(current, batch_id)
    try:
        result = musters.undo_missing_batch(
            by=request.user, batch=batch, reason=request.POST.get("reason", "")
        )
    except HavenError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Batch #%(batch)s undone: %(count)s back to their status before%(left)s.")
            % {
                "batch": batch.pk,
                "count": len(result.restored),
                "left": _left_alone(result.left_alone),
            },
        )
    return redirect("people:muster_detail", muster_id=current.pk)


def _places(
    figures: accounting.MusterAccount, people: list[accounting.Elsewhere]
) -> list[tuple[accounting.PlaceCount, list[accounting.Elsewhere]]]:
    """Each place that holds anyone, with (up to the page's limit of) who is there."""
    return [
        (place, [entry for entry in people if entry.key == place.key])
        for place in figures.elsewhere
        if place.count
    ]


@permission_required("people.check_in_muster", "people.view_person")
def muster_detail(request: HttpRequest, muster_id: int) -> HttpResponse:
    record = musters.get_muster(muster_id)
    figures = accounting.account(record)
    context: dict[str, object] = {
        "muster": record,
        "account": figures,
        "places": _places(figures, accounting.elsewhere(record, limit=MUSTER_LIST_LIMIT)),
        "limit": MUSTER_LIST_LIMIT,
        "see_status": _sees_status(request),
    }
    if record.is_open:
        context["unaccounted"] = list(
            accounting.unaccounted(record).order_by("full_name", "pk")[:MUSTER_LIST_LIMIT]
        )
    else:
        rows = musters.unaccounted_now(record, limit=MUSTER_LIST_LIMIT)
        context["rows"] = rows
        context["markable"] = sum(row.markable for row in rows)
        # Until a first batch, everyone who can be marked is ticked; after it, those left
        # out were left out on purpose, and nobody is ticked for the clerk.
        context["tick"] = not record.missing_batches.exists()
        context["batches"] = list(
            record.missing_batches.select_related("marked_by", "undone_by").annotate(
                marked=Count("marks"), restored=Count("marks__undo_event")
            )
        )
    return render(request, "people/muster_detail.html", context)


# --- paper -------------------------------------------------------------------------------


def _sheet_people(request: HttpRequest) -> tuple[list[tuple[str, list[Person]]], bool]:
    """Everyone in camp in the order of the paper muster sheet, in groups: by shelter and
    household for a role that may see who sleeps and lives with whom, else by name alone (an
    order by household would tell the households). The key-in screen uses the same order."""
    groups = policy.role_groups(request.user)
    by_shelter = policy.G.SHELTER in groups
    by_household = policy.G.HOUSEHOLD in groups
    people = Person.objects.in_camp().select_related("household")
    order: list[Any] = []
    if by_shelter:
        people = people.annotate(
            stay=FilteredRelation(
                "shelter_stays", condition=Q(shelter_stays__ended_at__isnull=True)
            )
        ).annotate(shelter_name=F("stay__shelter__name"))
        order.append(F("shelter_name").asc(nulls_last=True))
    if by_household:
        order.append(F("household__name").asc(nulls_last=True))
        order.append("household_id")
    rows: list[tuple[str, list[Person]]] = []
    for person in people.order_by(*order, "full_name", "pk"):
        parts = []
        if by_shelter:
            parts.append(getattr(person, "shelter_name", None) or _("No shelter"))
        if by_household:
            parts.append(person.household.name if person.household else _("No household"))
        label = " · ".join(parts)
        if not rows or rows[-1][0] != label:
            rows.append((label, []))
        rows[-1][1].append(person)
    return rows, policy.G.IDENTITY in groups


@permission_required("people.check_in_muster", "people.view_person")
def muster_sheet(request: HttpRequest) -> HttpResponse:
    """The muster sheet to print: a tick box for each person in camp."""
    rows, detailed = _sheet_people(request)
    return render(
        request,
        "people/print_muster.html",
        {
            "rows": rows,
            "detailed": detailed,
            "count": sum(len(people) for _label, people in rows),
            "printed_at": timezone.now(),
        },
    )


@permission_required("people.check_in_muster", "people.view_person")
def muster_key_in(request: HttpRequest, muster_id: int) -> HttpResponse:
    """A ticked paper muster sheet keyed in: the same people in the same order, one submit."""
    current = musters.get_muster(muster_id)
    if request.method == "POST":
        posted = request.POST.getlist("person")
        ids = [_posted_id(value) for value in posted]
        try:
            if None in ids:
                wrong = next(v for v in posted if not _posted_id(v))
                raise HavenError(_("not a person id: %(value)r") % {"value": wrong})
            result = musters.check_in_many(
                by=request.user, muster=current, person_ids=[pk for pk in ids if pk is not None]
            )
        except HavenError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s person checked in from the paper sheet (%(already)s already were).",
                    "%(count)s people checked in from the paper sheet (%(already)s already were).",
                    len(result.checked_in),
                )
                % {"count": len(result.checked_in), "already": len(result.already)},
            )
            return redirect("people:muster")
    rows, detailed = _sheet_people(request)
    checked = set(current.check_ins.values_list("person_id", flat=True))
    return render(
        request,
        "people/muster_key_in.html",
        {"muster": current, "rows": rows, "detailed": detailed, "checked": checked},
    )


@permission_required("people.add_person")
def registration_sheet(request: HttpRequest) -> HttpResponse:
    """A blank registration form to fill by hand when there is no power: the same fields as
    the registration page, as labelled boxes."""
    form = RegisterForm()
    boxes = [
        form[name]
        for name in form.fields
        if name not in ("same_name_ok", "skills", "team", "new_household")
    ]
    return render(
        request,
        "people/print_registration.html",
        {"boxes": boxes, "sexes": [label for value, label in Sex.choices]},
    )
