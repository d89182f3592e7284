from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorComponent(models.Model):
    """One component of the service index (Decision 766/QĐ-TTg): its group, maximum
    points and the name of the formula that measures it. Data, so that a new decision
    changes rows, not code."""

    code = models.SlugField(max_length=40, unique=True)
    group = models.PositiveSmallIntegerField()
    group_name = models.CharField(max_length=120)
    name = models.CharField(max_length=300)
    max_points = models.DecimalField(max_digits=6, decimal_places=2)
    formula = models.CharField(max_length=60)
    # Where the points come from: the decision, or "Suy ra" (inferred) and how.
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["group", "code"]

    def __str__(self) -> str:
        return f"{self.code} ({self.max_points})"


class Programme(models.Model):
    """A resolution or plan the province steers by (Nghị quyết 09-NQ/TU, Kế hoạch
    37/KH-UBND…): who issued it, when, and the counts it announced."""

    code = models.SlugField(max_length=40, unique=True)
    number = models.CharField(max_length=40)  # "09-NQ/TU"
    title = models.CharField(max_length=300)
    issuer = models.CharField(max_length=200)
    issued_on = models.DateField()
    horizon = models.DateField()  # the date its goals are due by
    summary = models.TextField(blank=True)
    source = models.CharField(max_length=200, blank=True)
    quote = models.TextField(blank=True)

    class Meta:
        ordering = ["issued_on"]

    def __str__(self) -> str:
        return self.number


class Goal(models.Model):
    """Mục tiêu, chỉ tiêu hoặc nhiệm vụ: one line of a programme, with its target and
    the measured values that say how far it is."""

    class Kind(models.TextChoices):
        GOAL = "goal", _("Mục tiêu")
        TARGET = "target", _("Chỉ tiêu")
        TASK = "task", _("Nhiệm vụ")
        INDICATOR = "indicator", _("Chỉ số theo dõi")

    class Direction(models.TextChoices):
        UP = "up", _("Càng cao càng tốt")
        DOWN = "down", _("Càng thấp càng tốt")  # a rank: 3rd is better than 7th

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="goals")
    code = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.GOAL)
    pillar = models.CharField(max_length=60, blank=True)  # chính quyền số, kinh tế số, xã hội số
    title = models.CharField(max_length=400)
    owner = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    unit = models.CharField(max_length=40)  # "%", "thứ hạng", "mục tiêu"…
    baseline = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(null=True, blank=True)
    target = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    direction = models.CharField(max_length=4, choices=Direction.choices, default=Direction.UP)
    due = models.DateField(null=True, blank=True)
    # A metric the platform measures itself (see monitoring.goals.PLATFORM_METRICS):
    # its value is recorded here automatically.
    metric = models.CharField(max_length=40, blank=True)
    source = models.CharField(max_length=200, blank=True)
    quote = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["programme__issued_on", "position", "code"]

    def __str__(self) -> str:
        return self.title


class Measurement(models.Model):
    """A measured value of a goal at a date, with its evidence (an article, a report,
    or the platform's own data)."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=2)
    evidence = models.TextField(blank=True)
    source = models.CharField(max_length=200, blank=True)
    automatic = models.BooleanField(default=False)
    approximate_date = models.BooleanField(default=False)  # the source gives no exact date
    recorded_at = models.DateTimeField(auto_now=True)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["goal", "measured_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "measured_on", "source"], name="one_measurement_per_source_and_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.goal.code} {self.measured_on}: {self.value}"


class AgencyMonth(models.Model):
    """The counts the index is made of, for one agency and one month of submission:
    kept up to date by every step of a dossier (in its transaction) and recomputed in
    full nightly, so that reading the index never scans the dossiers."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # first day
    submitted = models.IntegerField(default=0)
    online = models.IntegerField(default=0)
    received = models.IntegerField(default=0)
    digitized = models.IntegerField(default=0)
    reused = models.IntegerField(default=0)
    e_results = models.IntegerField(default=0)  # resolved with an electronic result
    resolved = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    with_fee = models.IntegerField(default=0)
    paid = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "month"], name="one_count_row_per_agency_month"
            )
        ]
        indexes = [models.Index(fields=["month", "agency"])]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.month:%Y-%m}"
