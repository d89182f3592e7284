"""Pages of the health app: reception (check-in by chip ID), the record for staff
(audited, break-glass), slots; the citizen's own and children's records (with who
read them, the IPS bundle and a PDF) and appointment booking."""

from __future__ import annotations

import functools
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhso.accounts import authz
from tinhso.core.errors import DomainError, NotFound
from tinhso.core.errors import PermissionDenied as CorePermissionDenied

from . import forms, selectors, services
from .codes import VITAL_SIGNS
from .fhir.ips import ips_bundle
from .models import Appointment, AppointmentStatus, Encounter, Patient
from .pdf import record_pdf
from .services._common import CLINICAL_ROLES, PRESCRIBER_ROLES


def _http_errors(view):
    """A refusal the page did not handle: 403 or 404, as Django's pages show them."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except CorePermissionDenied as exc:
            raise PermissionDenied(str(exc.message)) from None
        except NotFound as exc:
            raise Http404(str(exc.message)) from None

    return wrapped


def _staff_verified(request):
    if authz.is_staff_member(request.user) and not request.user.is_verified():
        return redirect("accounts:otp_setup")
    return None


def _fail(request, form, exc: DomainError) -> None:
    """A service's refusal onto the form: the field it names, or the whole form."""
    named = [f for f in exc.fields if f in form.fields]
    if named:
        for name in named:
            form.add_error(name, str(exc.fields[name]))
    else:
        form.add_error(None, str(exc.message))


@login_required
@_http_errors
def home(request):
    if (response := _staff_verified(request)) is not None:
        return response
    facilities = selectors.facilities_of(request.user)
    if not facilities:
        return redirect("health:mine")
    return render(request, "health/home.html", {"facilities": facilities})


# ---------------------------------------------------------------- staff


@login_required
@_http_errors
def reception(request, code: str):
    if (response := _staff_verified(request)) is not None:
        return response
    facility = selectors.facility_for(request.user, code, CLINICAL_ROLES)
    result = None
    form = forms.CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.check_in(
                actor=request.user,
                facility=facility,
                qr_text=form.cleaned_data["qr_text"],
                personal_id=form.cleaned_data["personal_id"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            form = forms.CheckInForm()
    return render(
        request,
        "health/reception.html",
        {
            "facility": facility,
            "form": form,
            "result": result,
            "queue": selectors.today_queue(facility)[:200],
            "today": timezone.localdate(),
        },
    )


def _record_context(request, facility, patient) -> dict:
    return {
        "facility": facility,
        "patient": patient,
        "record": selectors.record_of(patient),
        "open_encounter": Encounter.objects.filter(
            patient=patient, facility=facility, status__in=["arrived", "in-progress"]
        )
        .order_by("-started_at")
        .first(),
        "vitals_form": forms.VitalSignsForm(prefix="v"),
        "condition_form": forms.ConditionForm(prefix="c"),
        "note_form": forms.NoteForm(prefix="n"),
        "immunization_form": forms.ImmunizationForm(prefix="i"),
        "is_doctor": authz.has_role(request.user, PRESCRIBER_ROLES, agency=facility.agency),
        "today": timezone.localdate(),
    }


@login_required
@_http_errors
def patient_record(request, code: str, patient_id: int):
    if (response := _staff_verified(request)) is not None:
        return response
    facility = selectors.facility_for(request.user, code, CLINICAL_ROLES)
    patient = get_object_or_404(Patient, pk=patient_id)
    try:
        selectors.read_patient(viewer=request.user, patient=patient, facility=facility)
    except selectors.BreakGlassRequired:
        return redirect("health:break_glass", code=code, patient_id=patient.pk)
    return render(request, "health/record.html", _record_context(request, facility, patient))


@login_required
@_http_errors
def break_glass(request, code: str, patient_id: int):
    if (response := _staff_verified(request)) is not None:
        return response
    facility = selectors.facility_for(request.user, code, CLINICAL_ROLES)
    patient = get_object_or_404(Patient, pk=patient_id)
    form = forms.BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.break_glass(
                actor=request.user, facility=facility, patient=patient,
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            return redirect("health:record", code=code, patient_id=patient.pk)
    return render(
        request, "health/break_glass.html", {"facility": facility, "patient": patient, "form": form}
    )


@login_required
@require_POST
@_http_errors
def record_entry(request, code: str, patient_id: int, what: str):
    """Vital signs, a diagnosis, a note or a dose, from the record page."""
    if (response := _staff_verified(request)) is not None:
        return response
    facility = selectors.facility_for(request.user, code, CLINICAL_ROLES)
    patient = get_object_or_404(Patient, pk=patient_id)
    selectors.read_patient(viewer=request.user, patient=patient, facility=facility, purpose=what)
    context = _record_context(request, facility, patient)
    encounter = context["open_encounter"]
    actor = request.user
    form: Form | None = None
    try:
        if what == "vitals":
            form = context["vitals_form"] = forms.VitalSignsForm(request.POST, prefix="v")
            if form.is_valid():
                values = {k: v for k, v in form.cleaned_data.items() if v is not None}
                if not values:
                    form.add_error(None, _("Chưa nhập chỉ số nào."))
                for code_, value in values.items():
                    services.add_observation(actor=actor, facility=facility, patient=patient,
                                             code=code_, value=value, encounter=encounter)  # fmt: skip
        elif what == "condition":
            form = context["condition_form"] = forms.ConditionForm(request.POST, prefix="c")
            if form.is_valid():
                services.add_condition(actor=actor, facility=facility, patient=patient,
                                       encounter=encounter, **form.cleaned_data)  # fmt: skip
        elif what == "note":
            form = context["note_form"] = forms.NoteForm(request.POST, prefix="n")
            if form.is_valid():
                if encounter is None:
                    form.add_error(None, _("Người bệnh chưa được tiếp đón hôm nay."))
                else:
                    services.add_consultation_note(actor=actor, encounter=encounter,
                                                   note=form.cleaned_data["note"])  # fmt: skip
        elif what == "immunization":
            form = context["immunization_form"] = forms.ImmunizationForm(request.POST, prefix="i")
            if form.is_valid():
                services.record_immunization(actor=actor, facility=facility, patient=patient,
                                             encounter=encounter, **form.cleaned_data)  # fmt: skip
        elif what == "finish" and encounter is not None:
            services.finish_encounter(actor=actor, encounter=encounter)
            messages.success(request, _("Đã kết thúc lượt khám."))
            return redirect("health:reception", code=code)
        else:
            return redirect("health:record", code=code, patient_id=patient.pk)
    except DomainError as exc:
        if form is None:
            messages.error(request, str(exc.message))
            return redirect("health:record", code=code, patient_id=patient.pk)
        _fail(request, form, exc)
    if form is not None and form.errors:
        context["error_form"] = what
        return render(request, "health/record.html", context, status=400)
    messages.success(request, _("Đã ghi vào hồ sơ."))
    return redirect("health:record", code=code, patient_id=patient.pk)


@login_required
@_http_errors
def slots(request, code: str):
    if (response := _staff_verified(request)) is not None:
        return response
    facility = selectors.facility_for(request.user, code, CLINICAL_ROLES)
    form = forms.SlotsForm(request.POST or None)
    may_open = authz.has_role(request.user, PRESCRIBER_ROLES, agency=facility.agency)
    if request.method == "POST" and may_open and form.is_valid():
        try:
            made = services.open_slots(
                actor=request.user, facility=facility, practitioner=request.user,
                **form.cleaned_data,
            )  # fmt: skip
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, _("Đã mở %(n)s lượt hẹn.") % {"n": len(made)})
            return redirect("health:slots", code=code)
    upcoming = list(
        Appointment.objects.filter(facility=facility, start__gte=timezone.now())
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("patient", "practitioner")
        .order_by("start")[:200]
    )
    for a in upcoming:
        setattr(a, "video_link", services.telehealth_link(a))  # noqa: B010
    return render(
        request,
        "health/slots.html",
        {"facility": facility, "form": form, "may_open": may_open, "upcoming": upcoming},
    )  # fmt: skip


# ---------------------------------------------------------------- citizens


@login_required
@_http_errors
def mine(request):
    """Sổ sức khỏe điện tử: the citizen's own record and their children's."""
    services.ensure_own_patient(actor=request.user)
    patients = selectors.patients_of_citizen(request.user)
    appointments = list(selectors.appointments_of_patients(patients)) if patients else []
    for a in appointments:
        setattr(a, "link", services.telehealth_link(a))  # noqa: B010
    return render(request, "health/mine.html", {"patients": patients, "appointments": appointments})


@login_required
@_http_errors
def my_record(request, patient_id: int):
    patient = selectors.citizen_patient(request.user, patient_id)
    return render(
        request,
        "health/my_record.html",
        {
            "patient": patient,
            "record": selectors.record_of(patient),
            "reads": selectors.reads_of(patient),
            "vital_labels": {c: s.label for c, s in VITAL_SIGNS.items()},
        },
    )


@login_required
@_http_errors
def my_record_ips(request, patient_id: int):
    patient = selectors.citizen_patient(request.user, patient_id)
    bundle = ips_bundle(patient, base=request.build_absolute_uri("/fhir"))
    response = HttpResponse(
        json.dumps(bundle, ensure_ascii=False, indent=1),
        content_type="application/fhir+json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="ips-{patient.pk}.json"'
    return response


@login_required
@_http_errors
def my_record_pdf(request, patient_id: int):
    patient = selectors.citizen_patient(request.user, patient_id)
    response = HttpResponse(record_pdf(patient), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ho-so-suc-khoe-{patient.pk}.pdf"'
    return response


@login_required
@_http_errors
def book(request):
    services.ensure_own_patient(actor=request.user)
    patients = selectors.patients_of_citizen(request.user)
    if not patients:
        messages.error(request, _("Tài khoản cần được xác minh danh tính trước khi đặt lịch khám."))
        return redirect("health:mine")
    free = selectors.free_slots()
    return render(
        request, "health/book.html", {"slots": free, "form": forms.BookForm(patients=patients)}
    )


@login_required
@require_POST
@_http_errors
def book_slot(request, appointment_id: int):
    patients = selectors.patients_of_citizen(request.user)
    slot = get_object_or_404(Appointment, pk=appointment_id)
    form = forms.BookForm(request.POST, patients=patients)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn người được khám."))
        return redirect("health:book")
    patient = next(p for p in patients if p.pk == form.cleaned_data["patient"])
    try:
        services.book_appointment(actor=request.user, appointment=slot, patient=patient,
                                  note=form.cleaned_data["note"])  # fmt: skip
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("health:book")
    messages.success(request, _("Đã đặt lịch khám."))
    return redirect(reverse("health:mine") + "#lich-hen")


@login_required
@require_POST
@_http_errors
def cancel_slot(request, appointment_id: int):
    slot = get_object_or_404(Appointment, pk=appointment_id)
    try:
        services.cancel_appointment(actor=request.user, appointment=slot)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Đã hủy lịch hẹn."))
    return redirect(reverse("health:mine") + "#lich-hen")
