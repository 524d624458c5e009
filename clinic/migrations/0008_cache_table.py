"""The cache's table (settings.CACHES), where the rate limits keep their counts.

Made by a migration so that `manage.py migrate`, the one set-up step every deployment already
runs, makes it too. createcachetable skips a table that exists, so running it again is safe."""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import BaseDatabaseCache
from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    for alias in settings.CACHES:
        cache = caches[alias]
        if isinstance(cache, BaseDatabaseCache):
            table = schema_editor.connection.ops.quote_name(cache._table)
            schema_editor.execute(f"DROP TABLE IF EXISTS {table}")


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0007_audit_trail_two_step_erasure"),
    ]

    operations = [
        migrations.RunPython(create_cache_table, drop_cache_table),
    ]
