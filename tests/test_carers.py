"""Carers (clinic/carers.py, clinic/carer_views.py, clinic/access.py): inviting them from the
portal and from the patient record, accepting with a new or an existing account, helping two
patients kept apart, ending access at once, minors, what a carer enters shown as theirs, and the
audit trail."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clinic.carers import CarerError, accept_as_new_account, end_access, invite_carer
from clinic.models import AuditEntry, AuditRole, CarerAccess, User, hash_token
from programs import prescribing
from programs.models import Program, Questionnaire, SessionLog
from tests.conftest import client_for, mail_server_down, make_carer
from tests.factories import PASSWORD, ExerciseFactory, PatientFactory, UserFactory

Action, Subject = AuditEntry.Action, AuditEntry.Subject
NEW_PASSWORD = "a long carer passphrase 42"


def make_program(patient, clinician, title="Knee program") -> Program:
    """An active program started today (so its first questionnaire is due), one exercise."""
    program = prescribing.create_program(
        patient, by=clinician.user, title=title, start_date=patient.today()
    )
    exercise = ExerciseFactory(clinic=clinician.clinic)
    prescribing.add_item(program, exercise, revision=None, by=clinician.user)
    prescribing.activate(program, revision=None, by=clinician.user)
    program.refresh_from_db()
    return program


def log_form(program) -> dict[str, object]:
    data: dict[str, object] = {"token": str(uuid.uuid4()), "slot": 1, "revision": 0}
    for item in program.items.all():
        data |= {
            f"status-{item.pk}": "done",
            f"sets-{item.pk}": item.sets,
            f"reps-{item.pk}": item.reps_max or item.reps_min,
            f"pain-{item.pk}": "",
            f"reason-{item.pk}": "",
        }
    return data


def link_in(message) -> str:
    return re.search(r"https?://\S+/carer/[\w-]+/", message.body)[0]


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def invite_from_portal(patient, **fields):
    data = {"name": "Gina Gran", "email": "Gina@Family.example", "relationship": "grandmother"}
    return client_for(patient.user).post(reverse("portal_carers"), data | fields, follow=True)


# --- inviting -------------------------------------------------------------------------------


def test_patient_invites_a_carer_who_gets_a_single_use_link(patient_a):
    response = invite_from_portal(patient_a)
    assert "An invitation was emailed to gina@family.example." in response.content.decode()
    access = CarerAccess.objects.get(patient=patient_a)
    assert (access.name, access.email, access.relationship) == (
        "Gina Gran",
        "gina@family.example",
        "grandmother",
    )
    assert access.invited_by == patient_a.user and access.consent_recorded_by is None
    [message] = mail.outbox
    assert message.to == ["gina@family.example"]
    token = link_in(message).rstrip("/").rsplit("/", 1)[-1]
    assert access.token_hash == hash_token(token) and token not in access.token_hash
    assert "Pat has a home exercise program with Northside Physio" in message.body
    assert AuditEntry.objects.filter(
        action=Action.SEND, subject=Subject.CARER, patient=patient_a, object_id=str(access.pk)
    ).exists()


def test_the_invitation_email_is_in_the_patients_language(patient_a):
    patient_a.preferred_language = "es"
    patient_a.save()
    invite_from_portal(patient_a)
    [message] = mail.outbox
    assert '<html lang="es">' in message.alternatives[0][0]


def test_the_patients_own_address_cannot_be_a_carer(patient_a):
    response = invite_from_portal(patient_a, email="PAT@example.com")
    assert "a carer needs their own" in response.content.decode()
    assert not CarerAccess.objects.exists() and not mail.outbox


def test_a_clinician_must_record_the_patients_consent(patient_a, clinician_a):
    client = client_for(clinician_a.user)
    url = reverse("patient_carers", args=[patient_a.pk])
    data = {"name": "Gina Gran", "email": "gina@family.example", "consent_note": "   "}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Record how the patient gave their consent." in response.content.decode()
    assert not CarerAccess.objects.exists() and not mail.outbox

    client.post(url, data | {"consent_note": "Agreed in clinic today"})
    access = CarerAccess.objects.get()
    assert access.consent_note == "Agreed in clinic today"
    assert access.consent_recorded_by == clinician_a.user == access.invited_by
    assert len(mail.outbox) == 1


def test_without_a_consent_note_the_domain_refuses_a_clinicians_invitation(patient_a, clinician_a):
    with pytest.raises(CarerError):
        invite_carer(
            patient_a,
            name="Gina",
            email="gina@family.example",
            invited_by=clinician_a.user,
            base_url="http://testserver/",
        )
    assert not CarerAccess.objects.exists()


def test_a_failing_mail_server_leaves_no_invitation_and_keeps_the_earlier_one(patient_a):
    invite_from_portal(patient_a)
    earlier = CarerAccess.objects.get()
    with mail_server_down():
        response = invite_from_portal(patient_a)
    assert "The email could not be sent, so nothing was changed." in response.content.decode()
    assert list(CarerAccess.objects.all()) == [earlier]
    earlier.refresh_from_db()
    assert earlier.ended_at is None  # its link still works


def test_a_new_invitation_replaces_an_unused_one(patient_a):
    invite_from_portal(patient_a)
    invite_from_portal(patient_a)
    first, second = (link_in(message) for message in mail.outbox)
    assert client_for(None).get(path_of(first)).status_code == 410
    assert client_for(None).get(path_of(second)).status_code == 200


def test_someone_already_helping_is_not_invited_again(carer_a, patient_a):
    response = invite_from_portal(patient_a, email=carer_a.email)
    assert "already a carer of this patient" in response.content.decode()
    assert not mail.outbox


# --- accepting ------------------------------------------------------------------------------


def test_a_new_carer_chooses_a_password_and_helps_at_once(patient_a, clinician_a):
    make_program(patient_a, clinician_a)
    invite_from_portal(patient_a)
    url = path_of(link_in(mail.outbox[0]))
    client = client_for(None)
    page = client.get(url).content.decode()
    assert "Pat has a home exercise program with Northside Physio" in page
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True)
    page = response.content.decode()
    assert "You are helping Pat" in page and "Knee program" in page
    user = User.objects.get(email="gina@family.example")
    assert user.full_name == "Gina Gran" and user.check_password(NEW_PASSWORD)
    access = CarerAccess.objects.get()
    assert access.user == user and access.accepted_at is not None
    entry = AuditEntry.objects.get(subject=Subject.CARER, detail__startswith="carer accepted")
    assert (entry.user, entry.role, entry.patient_id) == (user, AuditRole.CARER, patient_a.pk)


def test_the_link_works_once(patient_a):
    invite_from_portal(patient_a)
    url = path_of(link_in(mail.outbox[0]))
    client_for(None).post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    again = client_for(None).post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert again.status_code == 410
    assert "already been accepted" in again.content.decode()
    assert User.objects.filter(email="gina@family.example").count() == 1


def test_an_expired_link_says_so_and_creates_nothing(patient_a):
    invite_from_portal(patient_a)
    CarerAccess.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client_for(None).post(
        path_of(link_in(mail.outbox[0])), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert not User.objects.filter(email="gina@family.example").exists()


def test_a_withdrawn_link_no_longer_works(patient_a):
    invite_from_portal(patient_a)
    end_access(CarerAccess.objects.get(), by=patient_a.user)
    assert client_for(None).get(path_of(link_in(mail.outbox[0]))).status_code == 410


@pytest.mark.parametrize("token", ["x", "0" * 43, "../../admin", "a%00b", "é" * 40])
def test_made_up_tokens_are_404(db, token):
    assert client_for(None).get(f"/carer/{token}/").status_code == 404


def test_the_domain_refuses_a_used_link(patient_a):
    invite_from_portal(patient_a)
    access = CarerAccess.objects.get()
    accept_as_new_account(access, password=NEW_PASSWORD)
    with pytest.raises(CarerError):
        accept_as_new_account(access, password=NEW_PASSWORD)


def test_a_carer_of_two_children_has_one_account_and_keeps_them_apart(
    carer_a, patient_a, clinician_a
):
    """Carer A also helps a second child of clinic A: one account, two accesses, a choice."""
    child = PatientFactory(primary_clinician=clinician_a, first_name="Kim", activated=True)
    make_program(patient_a, clinician_a, title="Pat's knees")
    make_program(child, clinician_a, title="Kim's ankles")
    invite_from_portal(child, email=carer_a.email)
    url = path_of(link_in(mail.outbox[0]))

    visitor = client_for(None).get(url).content.decode()
    assert "Sign in to accept" in visitor  # the address has an account: no second one

    client = client_for(carer_a.user)
    response = client.post(url, follow=True)
    assert "You are helping Kim" in response.content.decode()
    assert CarerAccess.objects.filter(user=carer_a.user).current().count() == 2
    assert User.objects.filter(email=carer_a.email).count() == 1
    today = client.get(reverse("portal_home")).content.decode()
    assert "Kim&#x27;s ankles" in today and "Pat&#x27;s knees" not in today
    assert "Switch person" in today

    chooser = client.get(reverse("carer_choose")).content.decode()
    assert "Kim" in chooser and "Pat" in chooser
    client.post(reverse("carer_choose"), {"patient": carer_a.pk})
    today = client.get(reverse("portal_home")).content.decode()
    assert "Pat&#x27;s knees" in today and "Kim&#x27;s ankles" not in today


def test_a_fresh_sign_in_with_two_patients_asks_whom_first(carer_a, patient_a, clinician_a):
    child = PatientFactory(primary_clinician=clinician_a, activated=True)
    make_carer(child, "other@family.example", "Other")  # someone else's access: not counted
    second = make_carer(child, "second@family.example", "Cara Again")
    stand_in = second.user
    CarerAccess.objects.filter(pk=second.pk).update(user=carer_a.user, email=carer_a.email)
    stand_in.delete()
    response = client_for(carer_a.user).get(reverse("portal_home"))
    assert response.status_code == 302 and response.url.startswith(reverse("carer_choose"))


def test_a_chosen_patient_from_someone_elses_list_is_refused(carer_a, carer_b):
    client = client_for(carer_a.user)
    response = client.post(reverse("carer_choose"), {"patient": carer_b.pk})
    assert "Choose whom you are helping from the list." in response.content.decode()
    assert client.get(reverse("portal_home")).context["patient"] == carer_a.patient


def test_clinicians_and_the_patient_cannot_accept(patient_a, clinician_a):
    invite_from_portal(patient_a)
    url = path_of(link_in(mail.outbox[0]))
    for user, words in [
        (clinician_a.user, "A clinic staff account cannot be a carer"),
        (patient_a.user, "This is the patient&#x27;s own account"),
        (UserFactory(email="someone@else.example"), "This invitation was sent to"),
    ]:
        response = client_for(user).post(url)
        assert words in response.content.decode()
    assert CarerAccess.objects.get().accepted_at is None


# --- ending access --------------------------------------------------------------------------


def test_the_patient_ends_access_and_the_carers_next_request_is_refused(
    carer_a, patient_a, clinician_a
):
    make_program(patient_a, clinician_a)
    carer = client_for(carer_a.user)
    assert carer.get(reverse("portal_home")).status_code == 200
    patient = client_for(patient_a.user)
    confirm = patient.get(reverse("portal_carer_end", args=[carer_a.pk]))
    assert "End Cara Carer's access?" in confirm.content.decode()
    carer_a.refresh_from_db()
    assert carer_a.ended_at is None  # asking first changes nothing

    patient.post(reverse("portal_carer_end", args=[carer_a.pk]))
    carer_a.refresh_from_db()
    assert carer_a.ended_at is not None and carer_a.ended_by == patient_a.user
    assert carer.get(reverse("portal_home")).status_code == 404
    assert carer.get(reverse("portal_history")).status_code == 404
    assert AuditEntry.objects.filter(
        subject=Subject.CARER, detail="carer access ended by the patient", user=patient_a.user
    ).exists()


def test_a_clinician_ends_access(carer_a, patient_a, clinician_a):
    carer = client_for(carer_a.user)
    carer.get(reverse("portal_home"))
    client_for(clinician_a.user).post(reverse("patient_carer_end", args=[patient_a.pk, carer_a.pk]))
    carer_a.refresh_from_db()
    assert carer_a.ended_by == clinician_a.user
    assert carer.get(reverse("portal_home")).status_code == 404


def test_ending_twice_records_once(carer_a, patient_a):
    assert end_access(carer_a, by=patient_a.user)
    assert not end_access(carer_a, by=patient_a.user)
    assert AuditEntry.objects.filter(subject=Subject.CARER, action=Action.CHANGE).count() == 1


def test_an_archived_patients_carer_loses_access(carer_a, patient_a):
    patient_a.archive()
    assert client_for(carer_a.user).get(reverse("portal_home")).status_code == 404


# --- what a carer may reach -------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["portal_settings", "portal_export_json", "portal_export_pdf", "portal_carers"]
)
def test_the_patients_own_pages_are_not_a_carers(carer_a, name):
    assert client_for(carer_a.user).get(reverse(name)).status_code == 404


def test_a_carer_sees_nothing_of_the_clinic(carer_a, patient_a):
    client = client_for(carer_a.user)
    for url in [
        reverse("patient_detail", args=[patient_a.pk]),
        reverse("patient_carers", args=[patient_a.pk]),
        reverse("dashboard"),
        reverse("patient_list"),
        reverse("library"),
    ]:
        assert client.get(url).status_code == 404, url


def test_a_carer_cannot_reach_another_patients_program(carer_b, patient_a, clinician_a):
    program = make_program(patient_a, clinician_a)
    client = client_for(carer_b.user)
    assert client.get(reverse("portal_log", args=[program.pk])).status_code == 404
    assert client.post(reverse("portal_log", args=[program.pk]), log_form(program)).status_code == (
        404
    )
    assert not SessionLog.objects.exists()


# --- minors -----------------------------------------------------------------------------------


def test_a_minor_uses_the_portal_through_carers_only(patient_a, carer_a):
    patient_a.is_minor = True
    patient_a.save()
    response = client_for(patient_a.user).get(reverse("portal_home"))
    assert response.status_code == 404
    assert "Use the portal with your carer" in response.content.decode()
    assert client_for(carer_a.user).get(reverse("portal_home")).status_code == 200


def test_a_minor_cannot_be_sent_a_patient_invitation(clinician_a):
    minor = PatientFactory(primary_clinician=clinician_a, is_minor=True)
    response = client_for(clinician_a.user).post(
        reverse("patient_invite", args=[minor.pk]), follow=True
    )
    assert "Invite a carer instead." in response.content.decode()
    assert not minor.invitations.exists() and not mail.outbox


# --- entered by ---------------------------------------------------------------------------------


def test_a_session_a_carer_logs_is_theirs_to_the_clinician(carer_a, patient_a, clinician_a):
    program = make_program(patient_a, clinician_a)
    client = client_for(carer_a.user)
    response = client.post(reverse("portal_log", args=[program.pk]), log_form(program))
    assert response.status_code == 302
    log = SessionLog.objects.get()
    assert log.entered_by == carer_a.user
    record = client_for(clinician_a.user).get(reverse("patient_detail", args=[patient_a.pk]))
    assert "entered by Cara Carer" in record.content.decode()
    entry = AuditEntry.objects.get(subject=Subject.SESSION, action=Action.CREATE)
    assert (entry.user, entry.role, entry.patient_id) == (
        carer_a.user,
        AuditRole.CARER,
        patient_a.pk,
    )


def test_a_session_the_patient_logs_names_nobody_else(patient_a, clinician_a):
    program = make_program(patient_a, clinician_a)
    client_for(patient_a.user).post(reverse("portal_log", args=[program.pk]), log_form(program))
    assert SessionLog.objects.get().entered_by is None
    record = client_for(clinician_a.user).get(reverse("patient_detail", args=[patient_a.pk]))
    assert "entered by" not in record.content.decode()
    entry = AuditEntry.objects.get(subject=Subject.SESSION, action=Action.CREATE)
    assert entry.role == AuditRole.PATIENT


def test_a_questionnaire_a_carer_answers_is_theirs_to_the_clinician(
    carer_a, patient_a, clinician_a
):
    program = make_program(patient_a, clinician_a)
    client = client_for(carer_a.user)
    url = reverse("portal_questionnaire", args=[program.pk])
    html = client.get(url).content.decode()
    shown = {
        name: re.search(rf'name="{name}" value="([^"]*)"', html)[1]
        for name in ["token", "occasion", "due_on", "activities"]
    }
    client.post(url, shown | {"nprs": "4", "new-1": "Stairs", "new-1-rating": "3"})
    questionnaire = Questionnaire.objects.get(completed_at__isnull=False)
    assert questionnaire.entered_by == carer_a.user
    record = client_for(clinician_a.user).get(reverse("patient_detail", args=[patient_a.pk]))
    assert "(entered by Cara Carer)" in record.content.decode()
    entry = AuditEntry.objects.get(subject=Subject.QUESTIONNAIRE, action=Action.CREATE)
    assert (entry.user, entry.role) == (carer_a.user, AuditRole.CARER)


def test_a_carers_reads_are_on_the_trail_as_a_carers(carer_a, patient_a):
    client_for(carer_a.user).get(reverse("portal_history"))
    entry = AuditEntry.objects.get(subject=Subject.PATIENT, detail="portal: history")
    assert (entry.user, entry.role, entry.patient_id, entry.clinic_id) == (
        carer_a.user,
        AuditRole.CARER,
        patient_a.pk,
        patient_a.clinic_id,
    )


def test_a_carer_signs_in_to_the_portal(carer_a):
    client = client_for(None)
    client.post(reverse("login"), {"username": carer_a.email, "password": PASSWORD})
    response = client.get(reverse("home"))
    assert response.url == reverse("portal_home")
    entry = AuditEntry.objects.get(action=Action.SIGN_IN)
    assert entry.role == AuditRole.CARER


# --- the lists: a fixed number of queries, whatever the number of carers --------------------


def carers_for(patient, count: int) -> None:
    for n in range(count):
        make_carer(patient, f"helper{n}@family.example", f"Helper {n}", ended=n % 2 == 1)


@pytest.mark.parametrize("count", [1, 6])
def test_the_patients_carers_page_costs_the_same_queries(
    patient_a, count, django_assert_num_queries
):
    carers_for(patient_a, count)
    client = client_for(patient_a.user)
    client.get(reverse("portal_carers"))  # the session's first page settles it
    # session, user, patient, the audit entry, carers; saving the session (3)
    with django_assert_num_queries(8):
        response = client.get(reverse("portal_carers"))
    assert response.content.decode().count("@family.example") == count


@pytest.mark.parametrize("count", [1, 6])
def test_the_clinicians_carers_page_costs_the_same_queries(
    patient_a, clinician_a, count, django_assert_num_queries
):
    carers_for(patient_a, count)
    client = client_for(clinician_a.user)
    client.get(reverse("patient_carers", args=[patient_a.pk]))
    # session, user, clinician, patient, the audit entry, carers; saving the session (3)
    with django_assert_num_queries(9):
        response = client.get(reverse("patient_carers", args=[patient_a.pk]))
    assert response.content.decode().count("@family.example") == count


def test_the_patients_export_lists_their_carers(carer_a, patient_a, admin_a):
    from programs.export import patient_record

    record = patient_record(patient_a)
    assert [carer["name"] for carer in record["carers"]] == [carer_a.name]
    assert record["carers"][0]["email"] == carer_a.email
    response = client_for(admin_a.user).get(reverse("patient_export_pdf", args=[patient_a.pk]))
    assert response.status_code == 200
    from io import BytesIO

    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "Carers" in text and carer_a.name in text
    assert carer_a.email in text.replace("\n", "")  # a narrow column wraps the address


def test_erasing_the_patient_removes_their_carers_and_their_access(carer_a, patient_a):
    from programs.erasure import erase_patient

    patient_a.status = patient_a.Status.DISCHARGED
    patient_a.save(update_fields=["status"])
    erase_patient(patient_a, confirmed_name=patient_a.full_name)
    assert not CarerAccess.objects.filter(patient=patient_a).exists()
    assert User.objects.filter(pk=carer_a.user_id).exists()  # the carer's own account stays
    assert client_for(carer_a.user).get(reverse("portal_home")).status_code == 404
