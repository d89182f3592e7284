"""Pages: a citizen's vaccination certificates; recording a dose and issuing a
certificate (station staff, nurses, doctors of the facility); the station's due and
overdue list; a doctor's prescription for an encounter; the pharmacy's dispensing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhso.accounts import authz
from tinhso.accounts.models import Role
from tinhso.core.errors import DomainError, NotFound

from . import certificates, prescribing, selectors, vaccination
from .dcc_forms import (
    CodeForm,
    DispenseForm,
    DoseForm,
    FindPatientForm,
    PrescriptionForm,
    RevokeForm,
)
from .models import Encounter, Facility, Patient, Prescription


def _staff_verified(request):
    if authz.is_staff_member(request.user) and not request.user.is_verified():
        return redirect("accounts:otp_setup")
    return None


def _errors_into(form, exc: DomainError) -> None:
    if not exc.fields:
        form.add_error(None, str(exc.message))
    for field, message in exc.fields.items():
        form.add_error(field if field in form.fields else None, str(message))


# ---------------------------------------------------------------- certificates


@login_required
def my_certificates(request):
    """Giấy chứng nhận tiêm chủng của tôi."""
    return render(
        request,
        "health/dcc/my_certificates.html",
        {"certificates": certificates.certificates_of_user(request.user)},
    )


def _certificate(request, pk: int):
    try:
        return certificates.certificate_for(request.user, pk)
    except NotFound as exc:
        raise Http404(pk) from exc


@login_required
def certificate(request, pk: int):
    """The certificate with its QR; revoked ones say so. A doctor may revoke it."""
    if (response := _staff_verified(request)) is not None:
        return response
    cert = _certificate(request, pk)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            certificates.revoke_certificate(
                actor=request.user, certificate=cert, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Đã thu hồi giấy chứng nhận."))
            return redirect("health_dcc:certificate", pk=cert.pk)
        except DomainError as exc:
            _errors_into(form, exc)
    return render(
        request,
        "health/dcc/certificate.html",
        {
            "certificate": cert,
            "entry": certificates.vaccination_of(cert),
            "form": form,
            "can_revoke": not cert.is_revoked and certificates.may_revoke(request.user, cert),
        },
    )


@login_required
def certificate_qr(request, pk: int):
    cert = _certificate(request, pk)
    response = HttpResponse(certificates.qr_png(cert.hc1, scale=5), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def certificate_pdf(request, pk: int):
    cert = _certificate(request, pk)
    response = HttpResponse(certificates.draw_pdf(cert), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="giay-chung-nhan-tiem-chung.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- vaccination


def _vaccinator_facilities(user) -> list[Facility]:
    return selectors.facilities_of(user, vaccination.VACCINATOR_ROLES)


def _facility(request, code: str) -> Facility:
    try:
        return selectors.facility_for(request.user, code, vaccination.VACCINATOR_ROLES)
    except DomainError as exc:
        raise Http404(code) from exc


@login_required
def vaccination_home(request):
    """Tiêm chủng: the worker's facilities, and finding a person by personal ID."""
    if (response := _staff_verified(request)) is not None:
        return response
    facilities = _vaccinator_facilities(request.user)
    if not facilities:
        return render(request, "403.html", status=403)
    form = FindPatientForm(request.GET or None)
    if request.GET and form.is_valid():
        patient = Patient.objects.filter(personal_id=form.cleaned_data["personal_id"]).first()
        if patient is not None:
            return redirect(
                "health_dcc:patient_doses", code=facilities[0].code, patient_id=patient.pk
            )
        form.add_error(
            "personal_id",
            _("Chưa có hồ sơ sức khỏe với số định danh này: tiếp đón người này trước."),
        )
    return render(
        request, "health/dcc/vaccination_home.html", {"facilities": facilities, "form": form}
    )


@login_required
def patient_doses(request, code: str, patient_id: int):
    """A person's doses, the form to record one, and the certificate button."""
    if (response := _staff_verified(request)) is not None:
        return response
    facility = _facility(request, code)
    patient = get_object_or_404(Patient, pk=patient_id)
    form = DoseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dose = vaccination.record_dose(
                actor=request.user, patient=patient, facility=facility, **form.cleaned_data
            )
            messages.success(
                request,
                _("Đã ghi nhận mũi %(n)s %(name)s.")
                % {"n": dose.dose_number, "name": dose.vaccine_name},
            )
            return redirect("health_dcc:patient_doses", code=code, patient_id=patient.pk)
        except DomainError as exc:
            _errors_into(form, exc)
    doses = vaccination.open_doses(viewer=request.user, facility=facility, patient=patient)
    return render(
        request,
        "health/dcc/patient_doses.html",
        {
            "facility": facility,
            "patient": patient,
            "doses": doses,
            "form": form,
            "certificates": patient.vaccination_certificates.all(),
            "has_covid_dose": certificates.covid_doses(patient).exists(),
        },
    )


@login_required
@require_POST
def issue_certificate(request, code: str, patient_id: int):
    if (response := _staff_verified(request)) is not None:
        return response
    _facility(request, code)
    patient = get_object_or_404(Patient, pk=patient_id)
    try:
        cert = certificates.issue_certificate(actor=request.user, patient=patient)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("health_dcc:patient_doses", code=code, patient_id=patient.pk)
    messages.success(request, _("Đã cấp giấy chứng nhận tiêm chủng."))
    return redirect("health_dcc:certificate", pk=cert.pk)


@login_required
def due_list(request, code: str):
    """Trẻ đến hạn, quá hạn tiêm: the station's ward, from the registry."""
    if (response := _staff_verified(request)) is not None:
        return response
    facility = _facility(request, code)
    rows = vaccination.due_children(viewer=request.user, facility=facility)
    return render(request, "health/dcc/due_list.html", {"facility": facility, "rows": rows})


# ---------------------------------------------------------------- prescriptions


@login_required
def prescribing_home(request):
    """Kê đơn: today's queue of each facility where the user is a doctor, each patient
    with a link to prescribe for that visit, and the doctor's latest prescriptions."""
    if (response := _staff_verified(request)) is not None:
        return response
    facilities = selectors.facilities_of(request.user, {Role.DOCTOR})
    if not facilities:
        return render(request, "403.html", status=403)
    queues = [(f, list(selectors.today_queue(f)[:200])) for f in facilities]
    recent = (
        Prescription.objects.filter(practitioner=request.user)
        .select_related("patient")
        .order_by("-created_at")[:20]
    )
    return render(request, "health/dcc/prescribing_home.html", {"queues": queues, "recent": recent})


@login_required
def prescribe(request, encounter_id: int):
    """Kê đơn thuốc điện tử for an encounter (a doctor of its facility)."""
    if (response := _staff_verified(request)) is not None:
        return response
    encounter = get_object_or_404(
        Encounter.objects.select_related("patient", "facility__agency"), pk=encounter_id
    )
    if not authz.has_role(request.user, Role.DOCTOR, agency=encounter.facility.agency):
        raise Http404(encounter_id)
    form = PrescriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = prescribing.issue_prescription(
                actor=request.user,
                encounter=encounter,
                kind=form.cleaned_data["kind"],
                items=form.items(),
                diagnosis=form.cleaned_data["diagnosis"],
                note=form.cleaned_data["note"],
                confirmed=form.cleaned_data["confirmed"],
            )
            messages.success(request, _("Đã kê đơn %(code)s.") % {"code": done.code})
            return redirect("health_dcc:prescription", code=done.code)
        except DomainError as exc:
            _errors_into(form, exc)
    return render(request, "health/dcc/prescribe.html", {"encounter": encounter, "form": form})


def _prescription(request, code: str):
    try:
        return prescribing.prescription_for_staff(actor=request.user, code=code)
    except DomainError as exc:
        raise Http404(code) from exc


@login_required
def prescription(request, code: str):
    if (response := _staff_verified(request)) is not None:
        return response
    return render(
        request, "health/dcc/prescription.html", {"prescription": _prescription(request, code)}
    )


@login_required
def prescription_pdf(request, code: str):
    if (response := _staff_verified(request)) is not None:
        return response
    found = _prescription(request, code)
    response = HttpResponse(prescribing.draw_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="don-thuoc-{found.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def pharmacy(request):
    """Nhà thuốc: scan or type the code, see the prescription, dispense it once."""
    if (response := _staff_verified(request)) is not None:
        return response
    if not authz.has_role(request.user, Role.PHARMACIST, anywhere=True):
        return render(request, "403.html", status=403)
    found = None
    lookup = CodeForm(request.GET or None)
    dispense_form = DispenseForm(request.POST or None)
    if request.method == "POST" and dispense_form.is_valid():
        code = dispense_form.cleaned_data["code"]
        try:
            done = prescribing.dispense(
                actor=request.user, code=code, confirmed=dispense_form.cleaned_data["confirmed"]
            )
            messages.success(request, _("Đã cấp phát đơn thuốc %(code)s.") % {"code": done.code})
            return redirect(f"{request.path}?code={done.code}")
        except DomainError as exc:
            _errors_into(dispense_form, exc)
        lookup = CodeForm({"code": code})
    if lookup.is_bound and lookup.is_valid():
        try:
            found = prescribing.lookup_for_pharmacist(
                actor=request.user, code=lookup.cleaned_data["code"]
            )
        except DomainError as exc:
            _errors_into(lookup, exc)
    if found is not None and not dispense_form.is_bound:
        dispense_form = DispenseForm(initial={"code": found.code})
    return render(
        request,
        "health/dcc/pharmacy.html",
        {"lookup": lookup, "found": found, "dispense_form": dispense_form},
    )
