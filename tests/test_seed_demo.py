import pytest
from django.core.management import CommandError, call_command

from clinic.models import Clinic, Clinician, Patient, User


def test_demo_clinic_is_created_once_and_prints_the_logins(settings, db, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    first = capsys.readouterr().out
    call_command("seed_demo")
    assert Clinic.objects.count() == 1
    assert Clinician.objects.filter(role=Clinician.Role.ADMIN).count() == 1
    assert Clinician.objects.filter(role=Clinician.Role.CLINICIAN).count() == 1
    assert Patient.objects.count() == 2
    assert User.objects.count() == 3  # two staff and the activated patient
    assert "clinician@riverside-physio.example" in first
    assert "demo-physio-2026" in first


def test_demo_logins_work(settings, client, db):
    settings.DEBUG = True
    call_command("seed_demo")
    assert client.login(username="clinician@riverside-physio.example", password="demo-physio-2026")


def test_demo_clinic_is_refused_in_production_unless_asked(settings, db):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("seed_demo")
    assert not Clinic.objects.exists()
