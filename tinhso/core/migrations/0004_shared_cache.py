"""The table of the shared cache (catalogue searches; rate limits until 0005) when it is the
database: `createcachetable` for the caches configured (nothing with REDIS_URL)."""

from django.conf import settings
from django.core.management import call_command
from django.db import migrations


def create(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop(apps, schema_editor):
    for cache in settings.CACHES.values():
        if cache["BACKEND"].endswith("DatabaseCache"):
            table = schema_editor.quote_name(cache["LOCATION"])
            schema_editor.execute(f"DROP TABLE IF EXISTS {table}")  # noqa: S608 - our name


class Migration(migrations.Migration):
    dependencies = [("core", "0003_job")]

    operations = [migrations.RunPython(create, drop)]
