"""CSV import of employees: upload, preview (and apply or cancel), and the template file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from ouendan.accounts.forms import add_domain_error
from ouendan.accounts.models import ImportBatch
from ouendan.accounts.permissions import Action, can
from ouendan.accounts.selectors import import_batch_get, import_batch_list
from ouendan.accounts.services.imports import (
    ACTIONS,
    COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    import_batch_apply,
    import_batch_cancel,
    import_batch_create,
    import_batch_report,
    import_template_csv,
)
from ouendan.accounts.views.people import page_actor
from ouendan.core.errors import DomainError

PREVIEW_PAGE_SIZE = 200
ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (BOM)",
    "cp932": "Shift_JIS (CP932)",
    "utf-16": "UTF-16",
    "euc_jp": "EUC-JP",
    "iso2022_jp": "ISO-2022-JP",
}


COLUMN_HELP = {
    "email": gettext_lazy("Required for new people. Finds the person if they are already here."),
    "employee_number": gettext_lazy(
        "Finds the person when the e-mail address is new to Ouendan (for example, it changed)."
    ),
    "full_name": gettext_lazy("Required for new people."),
    "full_name_kana": gettext_lazy("The reading; half-width katakana is converted."),
    "department": gettext_lazy(
        "A name, a path such as 開発本部/第一開発部 or 開発本部 > 第一開発部, or a department code."
    ),
    "location": gettext_lazy("A name or a location code."),
    "title": gettext_lazy("The job title, e.g. 課長."),
    "roles": gettext_lazy(
        "Roles separated by ; or 、 (e.g. advocate;curator or アドボケイト、キュレーター). "
        "Empty: advocate for new people, unchanged for others."
    ),
    "language": gettext_lazy("ja or en."),
    "status": gettext_lazy(
        "active or left (在籍 or 退職). “left” ends the person's access at once (admins only)."
    ),
}


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "UTF-8 or Shift_JIS (as Excel saves it), at most 5 MB and 10,000 rows."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.txt,text/csv"}),
    )
    create_missing = forms.BooleanField(
        label=gettext_lazy("Create missing departments and locations"),
        required=False,
        help_text=gettext_lazy(
            "Without this, a department or location that does not exist yet is a problem to fix."
        ),
    )


def _language(request: HttpRequest) -> str:
    return getattr(request, "LANGUAGE_CODE", "") or translation.get_language() or "ja"


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.PEOPLE_IMPORT)
    form = ImportUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if not can(actor, Action.DEPARTMENTS_MANAGE):
        del form.fields["create_missing"]
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = import_batch_create(
                actor=actor,
                file=upload,
                file_name=upload.name or "",
                create_missing=bool(form.cleaned_data.get("create_missing")),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("accounts:import_preview", batch.pk)
    japanese = _language(request) == "ja"
    return render(
        request,
        "accounts/imports/upload.html",
        {
            "form": form,
            "columns": [
                {
                    "header": column.japanese if japanese else column.english,
                    "other": column.english if japanese else column.japanese,
                    "column": column,
                    "help": COLUMN_HELP.get(column.key, ""),
                }
                for column in COLUMNS
            ],
            "recent": import_batch_list(actor=actor)[:10],
            "max_rows": MAX_ROWS,
            "max_mb": MAX_BYTES // (1024 * 1024),
        },
        status=400 if form.errors else 200,
    )


def _batch_or_404(request: HttpRequest, batch_id: int) -> ImportBatch:
    actor = page_actor(request, Action.PEOPLE_IMPORT)
    try:
        return import_batch_get(actor=actor, batch_id=batch_id)
    except ImportBatch.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch_or_404(request, batch_id)
    if request.method == "POST":
        return _preview_post(request, batch)
    show = request.GET.get("show", "")
    show = show if show in ACTIONS else ""
    rows, problems = import_batch_report(batch, language=_language(request), action=show)
    page = Paginator(rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    summary: dict[str, Any] = {**dict.fromkeys(ACTIONS, 0), **batch.summary}
    return render(
        request,
        "accounts/imports/preview.html",
        {
            "batch": batch,
            "summary": summary,
            "encoding": ENCODING_LABELS.get(batch.encoding, batch.encoding),
            "problems": problems,
            "page_obj": page,
            "show": show,
            "filters": [
                (action, label, summary.get(action, 0))
                for action, label in _action_labels().items()
            ],
            "can_apply": batch.status == ImportBatch.Status.UPLOADED and not batch.errors,
        },
    )


def _action_labels() -> dict[str, str]:
    return {
        "create": _("New"),
        "update": _("Updated"),
        "unchanged": _("Unchanged"),
        "leave": _("Leaving"),
        "error": _("Problems"),
    }


def _preview_post(request: HttpRequest, batch: ImportBatch) -> HttpResponse:
    actor = page_actor(request, Action.PEOPLE_IMPORT)
    operation = request.POST.get("operation")
    try:
        if operation == "apply":
            batch = import_batch_apply(
                actor=actor, batch_id=batch.pk, welcome=request.POST.get("welcome") == "on"
            )
            summary = batch.summary
            messages.success(
                request,
                _(
                    "Import applied: %(create)d added, %(update)d updated, %(leave)d marked as "
                    "left, %(unchanged)d unchanged."
                )
                % {key: summary.get(key, 0) for key in ("create", "update", "leave", "unchanged")},
            )
            if summary.get("welcome"):
                messages.info(
                    request,
                    _("The new people are being e-mailed how to sign in."),
                )
        elif operation == "cancel":
            import_batch_cancel(actor=actor, batch_id=batch.pk)
            messages.info(request, _("The import was cancelled. Nothing was changed."))
            return redirect("accounts:import")
        else:
            return HttpResponse(status=400)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("accounts:import_preview", batch.pk)


@login_required
@require_safe
def import_template(request: HttpRequest) -> HttpResponse:
    page_actor(request, Action.PEOPLE_IMPORT)
    language = _language(request)
    response = HttpResponse(
        import_template_csv(language=language), content_type="text/csv; charset=utf-8"
    )
    name = "ouendan-people-template-ja.csv" if language == "ja" else "ouendan-people-template.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
