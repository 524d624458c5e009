"""English is written the British way here (the clinic's LANGUAGE_CODE is en-gb): day before month,
in what is shown and in what a form accepts."""

from django.conf.locale.en_GB.formats import *  # type: ignore[import-untyped]  # noqa: F403
