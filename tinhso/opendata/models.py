"""The open-data catalogue: datasets published by agencies, each one table kept in
the database (the datastore) and offered as CSV and JSON resources."""

import uuid

from django.db import models


class Dataset(models.Model):
    """Bộ dữ liệu mở (a CKAN "package")."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    notes = models.TextField(blank=True)
    organization = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    license_id = models.CharField(max_length=40, default="cc-by-4.0")
    frequency = models.CharField(max_length=20)  # daily, monthly, yearly
    tags = models.JSONField(default=list)
    builder = models.CharField(max_length=60)  # the function that fills it (builders.py)
    fields = models.JSONField(
        default=list
    )  # [{"id": ..., "type": "text|int|numeric", "label": ...}]
    row_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now_add=True)  # the rows last changed
    refreshed_at = models.DateTimeField(null=True, blank=True)  # the rows last checked
    content_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Resource(models.Model):
    """One way to download a dataset (CSV or JSON); both are backed by the same rows,
    so `datastore_search` answers on either."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="resources")
    format = models.CharField(max_length=10)

    class Meta:
        ordering = ["dataset", "format"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "format"], name="one_resource_per_format")
        ]

    def __str__(self) -> str:
        return f"{self.dataset_id} ({self.format})"


class Row(models.Model):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="rows")
    n = models.PositiveIntegerField()  # CKAN's _id, from 1
    data = models.JSONField()

    class Meta:
        ordering = ["dataset", "n"]
        constraints = [models.UniqueConstraint(fields=["dataset", "n"], name="row_number_unique")]

    def __str__(self) -> str:
        return f"{self.dataset_id} #{self.n}"
