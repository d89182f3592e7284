from django.db import models


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

    class Meta:
        ordering = ["group", "code"]

    def __str__(self) -> str:
        return f"{self.code} ({self.max_points})"
