"""A PDF renders in a process of the worker's own, so it never holds the interpreter that the
worker's other threads need to answer other pages. (What that does for the other pages is
timed by `make bench`, under a burst of downloads: timings do not belong in tests.)"""

import os
import subprocess

import pytest
from django.test import override_settings

from exercises.loader import load_library
from programs import handouts, pdf_pool
from tests.factories import active_program


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


@pytest.fixture
def render_process():
    with override_settings(PDF_RENDER_PROCESS=True):
        yield
        pool = pdf_pool._pool
        if pool is not None:
            pdf_pool._forget(pool)


def test_a_handout_renders_in_another_process(db, clinician_a, patient_a, render_process):
    load_library()
    program = active_program(patient_a, clinician_a, slugs=["clamshell", "side-lying-leg-raise"])
    pdf = handouts.handout(program, "https://physio.example.org/accounts/login/").pdf
    text = pdf_text(pdf)
    assert "Clamshell" in text and "Side-lying leg raise" in text
    renderers = list(pdf_pool._render_pool()._processes)
    assert renderers and os.getpid() not in renderers


def test_a_render_error_reaches_the_caller_and_the_next_render_works(render_process):
    with pytest.raises(TypeError):
        pdf_pool.write_pdf_apart(None)  # type: ignore[arg-type]
    assert "Clamshell" in pdf_text(pdf_pool.write_pdf_apart("<h1>Clamshell</h1>"))
