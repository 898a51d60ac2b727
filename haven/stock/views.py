from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from haven.core.access import permission_required, require
from haven.core.errors import HavenError
from haven.core.forms import posted_text
from haven.core.rows import BadRow, read_rows
from haven.core.signals import report_export
from haven.stock import exchange, services
from haven.stock.choices import AdjustmentReason, IssuePurpose, ReceiptSource
from haven.stock.models import Balance, LedgerEntry, Store
from haven.stock.permissions import may_issue
from haven.stock.runway import DEFINITION, camp_runway, need_bars


def _stores() -> Any:
    return Store.objects.all()


class ReceiveForm(forms.Form):
    store = forms.ModelChoiceField(queryset=Store.objects.all(), label=gettext_lazy("Store"))
    quantity = forms.DecimalField(min_value=0, decimal_places=3, label=gettext_lazy("Quantity"))
    source = forms.ChoiceField(
        choices=ReceiptSource.choices, initial=ReceiptSource.DONATION, label=gettext_lazy("Source")
    )
    lot_code = forms.CharField(max_length=60, required=False, label=gettext_lazy("Lot code"))
    expiry_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label=gettext_lazy("Expiry date"),
    )
    reference = forms.CharField(max_length=120, required=False, label=gettext_lazy("Reference"))
    EXPIRED_LABEL = gettext_lazy("The lot is already expired: receive it anyway")
    accept_expired = forms.BooleanField(
        required=False,
        label=EXPIRED_LABEL,
        help_text=gettext_lazy(
            "A receipt of an expired lot is refused unless this is ticked, and flagged."
        ),
    )


class IssueForm(forms.Form):
    store = forms.ModelChoiceField(queryset=Store.objects.all(), label=gettext_lazy("Store"))
    quantity = forms.DecimalField(min_value=0, decimal_places=3, label=gettext_lazy("Quantity"))
    purpose = forms.ChoiceField(
        choices=IssuePurpose.choices, initial=IssuePurpose.PERSON, label=gettext_lazy("Purpose")
    )
    reference = forms.CharField(max_length=120, required=False, label=gettext_lazy("Reference"))
    note = forms.CharField(max_length=300, required=False, label=gettext_lazy("Note"))


class TransferForm(forms.Form):
    from_store = forms.ModelChoiceField(
        queryset=Store.objects.all(), label=gettext_lazy("From store")
    )
    to_store = forms.ModelChoiceField(queryset=Store.objects.all(), label=gettext_lazy("To store"))
    quantity = forms.DecimalField(min_value=0, decimal_places=3, label=gettext_lazy("Quantity"))


class AdjustForm(forms.Form):
    store = forms.ModelChoiceField(queryset=Store.objects.all(), label=gettext_lazy("Store"))
    quantity = forms.DecimalField(min_value=0, decimal_places=3, label=gettext_lazy("Quantity"))
    reason = forms.ChoiceField(choices=AdjustmentReason.choices, label=gettext_lazy("Reason"))
    note = forms.CharField(max_length=300, required=False, label=gettext_lazy("Note"))


class CountForm(forms.Form):
    store = forms.ModelChoiceField(queryset=Store.objects.all(), label=gettext_lazy("Store"))
    counted = forms.DecimalField(min_value=0, decimal_places=3, label=gettext_lazy("Counted"))
    lot_code = forms.CharField(max_length=60, required=False, label=gettext_lazy("Lot code"))


ACTIONS: dict[str, tuple[type[forms.Form], str]] = {
    "receive": (ReceiveForm, "stock.receive_stock"),
    "issue": (IssueForm, ""),
    "transfer": (TransferForm, "stock.transfer_stock"),
    "adjust": (AdjustForm, "stock.adjust_stock"),
    "count": (CountForm, "stock.count_stock"),
}


@permission_required("stock.view_item")
def index(request: HttpRequest) -> HttpResponse:
    """Stock by store, with the camp's runway per need on top."""
    stores = list(_stores())
    chosen = request.GET.get("store", "")
    store = next((s for s in stores if str(s.pk) == chosen), None)
    runway = camp_runway()
    balances = (
        Balance.objects.filter(quantity__gt=0)
        .select_related("item", "lot", "store")
        .order_by("store__name", "item__category", "item__name", "lot__expiry_date")
    )
    if store is not None:
        balances = balances.filter(store=store)
    by_item = {row.item.pk: row for row in runway.items}
    rows = [
        {"balance": b, "store": b.store, "runway": by_item.get(b.item_id)}
        if not isinstance(b, BadRow)
        else {"bad": b, "store": None}
        for b in read_rows(balances)
    ]
    return render(
        request,
        "stock/index.html",
        {
            "stores": stores,
            "store": store,
            "rows": [row for row in rows if "bad" not in row],
            "unreadable": [row["bad"] for row in rows if "bad" in row],
            "runway": runway,
            "needs": need_bars(runway),
            "definition": DEFINITION,
            "today": timezone.localdate(),
        },
    )


@permission_required("stock.view_item")
def item_card(request: HttpRequest, ref: str) -> HttpResponse:
    item = services.get_item(ref)
    row = camp_runway(items=[item]).item(item)
    balances = item.balances.filter(quantity__gt=0).select_related("lot", "store")
    show_ledger = request.user.has_perm("stock.view_ledgerentry")
    entries = list(services.ledger_for(item)[:200]) if show_ledger else []
    forms_shown = {
        name: form_class(prefix=name)
        for name, (form_class, perm) in ACTIONS.items()
        if (may_issue(request.user, item) if name == "issue" else request.user.has_perm(perm))
    }
    return render(
        request,
        "stock/item.html",
        {
            "item": item,
            "row": row,
            "definition": DEFINITION,
            "balances": balances,
            "entries": entries,
            "show_ledger": show_ledger,
            "forms": forms_shown,
            "may_reverse": request.user.has_perm("stock.reverse_entry"),
        },
    )


@require_POST
@permission_required("stock.view_item")
def item_action(request: HttpRequest, ref: str, action: str) -> HttpResponse:
    """Post one ledger entry from the item card; the same services as the API and CLI."""
    item = services.get_item(ref)
    if action not in ACTIONS:
        raise HavenError(_("unknown action %(action)r") % {"action": action})
    form_class, perm = ACTIONS[action]
    if action == "issue":
        if not may_issue(request.user, item):
            raise PermissionDenied(_("your role may not issue %(name)s") % {"name": item.name})
    else:
        require(request.user, perm)
    form = form_class(request.POST, prefix=action)
    if not form.is_valid():
        problems = "; ".join(f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items())
        messages.error(request, _("Nothing posted: %(problems)s") % {"problems": problems})
        return redirect("stock:item", ref=item.code)
    data = dict(form.cleaned_data)
    try:
        if action == "receive":
            services.receive(by=request.user, item=item, **data)
        elif action == "issue":
            services.issue(by=request.user, item=item, **data)
        elif action == "transfer":
            services.transfer(by=request.user, item=item, **data)
        elif action == "adjust":
            services.adjust(by=request.user, item=item, **data)
        else:
            services.count(
                by=request.user, item=item, lot_code=data.pop("lot_code") or None, **data
            )
    except services.ExpiredLotError as error:
        messages.error(
            request,
            _("%(error)s: tick “%(expired_label)s” to receive it.")
            % {"error": error, "expired_label": ReceiveForm.EXPIRED_LABEL},
        )
    except HavenError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(action)s of %(name)s posted.")
            % {"action": action.capitalize(), "name": item.name},
        )
    return redirect("stock:item", ref=item.code)


@require_POST
@permission_required("stock.reverse_entry")
def reverse_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = services.get_entry(entry_id)
    try:
        reason = posted_text(request.POST, "reason", LedgerEntry, "note")
        services.reverse(by=request.user, entry=entry, reason=reason)
        messages.success(request, _("Entry %(pk)s corrected.") % {"pk": entry.pk})
    except HavenError as error:
        messages.error(request, str(error))
    return redirect("stock:item", ref=entry.item.code)


@permission_required("stock.export_stock")
def export(request: HttpRequest) -> HttpResponse:
    """Stock levels as HXL-tagged CSV."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="stock-{date.today()}.csv"'
    rows = exchange.export_csv(response)  # type: ignore[arg-type]
    report_export(user=request.user, model="stock.balance", rows=rows, channel="web", kind="hxl")
    return response


@permission_required("stock.import_stock")
def import_list(request: HttpRequest) -> HttpResponse:
    """A CSV stock list received in one go; a bad file is a 400 naming line and column."""
    upload = request.FILES.get("file")
    if request.method == "POST" and isinstance(upload, UploadedFile):
        accept_expired = request.POST.get("accept_expired") == "on"
        try:
            lines = exchange.read_stock_list(upload.open("rb"))
            posted = exchange.import_stock_list(
                by=request.user, lines=lines, accept_expired=accept_expired
            )
        except services.ExpiredLotError as error:
            messages.error(
                request, _("%(error)s: tick “already expired” to receive them") % {"error": error}
            )
        except HavenError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(posted)s stock lines received.") % {"posted": posted})
            return redirect("stock:index")
        return render(request, "stock/import.html", {}, status=400)
    return render(request, "stock/import.html", {})
