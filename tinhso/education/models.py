"""Schools, school years and terms, classes, subjects, pupils, parents and marks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tinhso.core.identity import mask_id


class SchoolLevel(models.TextChoices):
    PRIMARY = "primary", _("Tiểu học")
    LOWER = "lower", _("Trung học cơ sở")
    UPPER = "upper", _("Trung học phổ thông")
    COMBINED = "combined", _("Liên cấp")


class School(models.Model):
    """Trường học: an agency of the organisation tree (roles are scoped to it)."""

    agency = models.OneToOneField(
        "accounts.Agency", on_delete=models.PROTECT, related_name="school"
    )
    level = models.CharField(max_length=10, choices=SchoolLevel.choices)

    class Meta:
        verbose_name = _("trường học")
        verbose_name_plural = _("các trường học")

    def __str__(self) -> str:
        return self.agency.name

    @property
    def code(self) -> str:
        return self.agency.code


class SchoolYear(models.Model):
    """Năm học, e.g. 2025–2026, with its two terms."""

    start_year = models.PositiveSmallIntegerField(unique=True)

    class Meta:
        ordering = ["-start_year"]

    def __str__(self) -> str:
        return f"{self.start_year}–{self.start_year + 1}"


class Term(models.Model):
    """Học kì I or II. Once closed its marks are locked; a change needs a reason."""

    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="terms")
    number = models.PositiveSmallIntegerField(choices=[(1, _("Học kì I")), (2, _("Học kì II"))])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="term_uniq")]
        ordering = ["year__start_year", "number"]

    def __str__(self) -> str:
        return f"{self.get_number_display()} {self.year}"


class TermClosure(models.Model):
    """A term closed at one school (chốt điểm)."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="closures")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="closures")
    closed_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["term", "school"], name="term_closure_uniq")]

    def __str__(self) -> str:
        return f"{self.term} · {self.school_id}"


class Assessment(models.TextChoices):
    SCORE = "score", _("Đánh giá bằng điểm số")
    COMMENT = "comment", _("Đánh giá bằng nhận xét")


class Subject(models.Model):
    """Môn học of a grade, with its periods a year (which set the number of regular marks)."""

    code = models.CharField(max_length=30)
    name = models.CharField(max_length=100)
    grade = models.PositiveSmallIntegerField()
    assessment = models.CharField(max_length=10, choices=Assessment.choices)
    periods_per_year = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "grade"], name="subject_uniq")]
        ordering = ["grade", "pk"]

    def __str__(self) -> str:
        return f"{self.name} {self.grade}"


class SchoolClass(models.Model):
    """Lớp học of a school in a year, with its homeroom teacher (giáo viên chủ nhiệm)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="classes")
    year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="classes")
    grade = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=20)
    homeroom_teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="homeroom_classes",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "year", "name"], name="class_uniq")
        ]
        ordering = ["grade", "name"]

    def __str__(self) -> str:
        return _("Lớp %(name)s") % {"name": self.name}

    def members(self):
        """The pupils of this class in its year: they stay members after moving up,
        so last year's class still lists last year's pupils."""
        return Pupil.objects.filter(memberships__school_class=self)


class TeachingAssignment(models.Model):
    """A subject teacher (giáo viên bộ môn) of a class."""

    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="assignments"
    )
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="teaching"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school_class", "subject"], name="teaching_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.school_class_id} · {self.subject_id} · {self.teacher_id}"


class Pupil(models.Model):
    """Học sinh: their personal ID is their identity code (mã định danh); linked to the
    registry's person when the registry knows them."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="pupils")
    personal_id = models.CharField(_("mã định danh"), max_length=12)
    full_name = models.CharField(_("họ và tên"), max_length=150)
    date_of_birth = models.DateField(_("ngày sinh"))
    person = models.ForeignKey(
        "population.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    school_class = models.ForeignKey(
        SchoolClass, null=True, blank=True, on_delete=models.SET_NULL, related_name="pupils"
    )
    parents = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Guardianship", related_name="children_at_school"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "personal_id"], name="pupil_uniq")]
        ordering = ["full_name", "pk"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def masked_personal_id(self) -> str:
        return mask_id(self.personal_id)


class ClassMembership(models.Model):
    """A pupil in a class for that class's school year (the pupil's `school_class` is
    only the current one)."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="memberships")
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="memberships"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pupil", "school_class"], name="membership_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id} ∈ {self.school_class_id}"


class Guardianship(models.Model):
    """A parent (cha, mẹ, người giám hộ) who follows a pupil."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE)
    parent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    relation = models.CharField(max_length=20, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pupil", "parent"], name="guardianship_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.parent_id} → {self.pupil_id}"


class MarkKind(models.TextChoices):
    REGULAR = "regular", _("Thường xuyên")
    MID = "mid", _("Giữa kì")
    END = "end", _("Cuối kì")


class Mark(models.Model):
    """Điểm đánh giá: a score (0–10, one decimal) or a comment (Đạt / Chưa đạt)."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="marks")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=MarkKind.choices)
    index = models.PositiveSmallIntegerField(default=1)  # the n-th regular mark
    score = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    comment = models.CharField(max_length=10, blank=True)  # grading.Comment for comment subjects
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "subject", "term", "kind", "index"], name="mark_uniq"
            )
        ]
        indexes = [models.Index(fields=["pupil", "term"])]

    def __str__(self) -> str:
        value = self.score if self.score is not None else self.comment
        return f"{self.pupil_id} {self.kind}{self.index}: {value}"


class ConductLevel(models.TextChoices):
    """Mức đánh giá kết quả rèn luyện (Circular 22/2021, Art. 8); the same codes as
    grading.Level."""

    GOOD = "tot", _("Tốt")
    FAIR = "kha", _("Khá")
    PASS = "dat", _("Đạt")
    FAIL = "chua_dat", _("Chưa đạt")


class TermReview(models.Model):
    """Đánh giá rèn luyện và nhận xét of a pupil in a term, by the homeroom teacher."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="reviews")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+")
    conduct = models.CharField(max_length=10, choices=ConductLevel.choices)
    comment = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pupil", "term"], name="review_uniq")]

    def __str__(self) -> str:
        return f"{self.pupil_id} · {self.term_id}: {self.conduct}"


class Session(models.TextChoices):
    MORNING = "sang", _("Buổi sáng")
    AFTERNOON = "chieu", _("Buổi chiều")


class Absence(models.Model):
    """Một buổi nghỉ học (điểm danh), excused (có phép) or not."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="absences")
    date = models.DateField()
    session = models.CharField(max_length=5, choices=Session.choices, default=Session.MORNING)
    excused = models.BooleanField(default=False)
    reason = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pupil", "date", "session"], name="absence_uniq")
        ]
        ordering = ["-date", "session"]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.date} {self.session}"


class SchoolReport(models.Model):
    """Học bạ điện tử of a pupil for a school year: drawn from the marks and reviews,
    signed by the principal, registered in the public register of issued papers and
    kept in the family's document store. Signing again (after a correction) replaces
    the earlier entry in the register."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="reports")
    year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    issued = models.ForeignKey(
        "documents.IssuedDocument", on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pupil", "year"], name="report_uniq")]

    def __str__(self) -> str:
        return f"{self.pupil_id} · {self.year_id}"


class DiplomaKind(models.TextChoices):
    LOWER_SECONDARY = "bang-tn-thcs", _("Bằng tốt nghiệp trung học cơ sở")
    UPPER_SECONDARY = "bang-tn-thpt", _("Bằng tốt nghiệp trung học phổ thông")
    PRIMARY_COMPLETION = "gcn-ht-tieu-hoc", _("Giấy chứng nhận hoàn thành chương trình tiểu học")


# The grade whose end a diploma certifies.
DIPLOMA_GRADE = {
    DiplomaKind.PRIMARY_COMPLETION: 5,
    DiplomaKind.LOWER_SECONDARY: 9,
    DiplomaKind.UPPER_SECONDARY: 12,
}


class Diploma(models.Model):
    """Sổ gốc cấp văn bằng: an entry of a school's register of diplomas and
    certificates, numbered per school, kind and year, signed and verifiable by its QR."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="diplomas")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="diplomas")
    kind = models.CharField(max_length=20, choices=DiplomaKind.choices)
    year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(max_length=60)
    issued = models.ForeignKey(
        "documents.IssuedDocument", on_delete=models.PROTECT, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pupil", "kind"], name="diploma_uniq")]
        ordering = ["-issued_at", "pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.kind}"


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Đang chuẩn bị")
    PUBLISHED = "published", _("Đã công bố")


class AdmissionRound(models.Model):
    """Kỳ tuyển sinh lớp 10 of a year: its rules (admission.AdmissionRules as JSON), its
    schools and applicants, the last matching and, once published, the public results."""

    year = models.PositiveSmallIntegerField(unique=True)
    rules = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    matched_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return _("Tuyển sinh lớp 10 năm %(year)s") % {"year": self.year}


class AdmissionSchool(models.Model):
    """A school of the round with its quota (chỉ tiêu) and, after matching, its cut-off
    (điểm chuẩn) and the overrun when applicants tied for its last place."""

    round = models.ForeignKey(AdmissionRound, on_delete=models.CASCADE, related_name="schools")
    code = models.CharField(max_length=30)
    name = models.CharField(max_length=200)
    quota = models.PositiveIntegerField()
    cutoff = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    admitted = models.PositiveIntegerField(default=0)
    overrun = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "code"], name="adm_school_uniq")]
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AdmissionApplicant(models.Model):
    """Thí sinh: exam scores, priority and incentive points, ordered wishes; after
    matching, where they are admitted and why not at the wishes before."""

    round = models.ForeignKey(AdmissionRound, on_delete=models.CASCADE, related_name="applicants")
    applicant_id = models.CharField(max_length=30)  # số báo danh
    math = models.DecimalField(max_digits=5, decimal_places=2)
    literature = models.DecimalField(max_digits=5, decimal_places=2)
    english = models.DecimalField(max_digits=5, decimal_places=2)
    priority = models.DecimalField(max_digits=4, decimal_places=2, default=0)
    incentive = models.DecimalField(max_digits=4, decimal_places=2, default=0)
    wishes = models.JSONField(default=list)
    school_code = models.CharField(max_length=30, blank=True)
    wish_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    explanation = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "applicant_id"], name="adm_applicant_uniq")
        ]
        ordering = ["applicant_id"]

    def __str__(self) -> str:
        return self.applicant_id


class AdmissionAppeal(models.Model):
    """Phúc khảo: a subject's score changed after review; the matching is run again and
    who moved is kept with the appeal."""

    round = models.ForeignKey(AdmissionRound, on_delete=models.CASCADE, related_name="appeals")
    applicant = models.ForeignKey(AdmissionApplicant, on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(max_length=12)
    before = models.DecimalField(max_digits=5, decimal_places=2)
    after = models.DecimalField(max_digits=5, decimal_places=2)
    reason = models.CharField(max_length=300)
    moves = models.JSONField(default=list)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.applicant_id} {self.subject}: {self.before} → {self.after}"
