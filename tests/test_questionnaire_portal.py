"""The questionnaire page in the portal (programs/questionnaires.py): who reaches it, what it asks,
its errors, a double or stale submit, Spanish, the audit trail and the figures; the card on
Today; and the reminder email."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from clinic.models import AuditEntry
from programs import prescribing
from programs.models import Answer, PatientFigures, Program, PsfsActivity, Questionnaire
from programs.outcomes import Answers, current_activities, open_slot, record_answers
from programs.questionnaires import due_for, send_questionnaire_reminders
from tests.conftest import client_for, mail_server_down
from tests.factories import ExerciseFactory, PatientFactory

Action, Subject = AuditEntry.Action, AuditEntry.Subject


def make_program(patient, clinician, start=None, title="Knee program") -> Program:
    program = prescribing.create_program(
        patient, by=clinician.user, title=title, start_date=start or patient.today()
    )
    exercise = ExerciseFactory(clinic=clinician.clinic)
    prescribing.add_item(program, exercise, revision=None, by=clinician.user)
    prescribing.activate(program, revision=None, by=clinician.user)
    program.refresh_from_db()
    return program


@pytest.fixture
def program(db, patient_a, clinician_a):
    """Patient A's program, started today: the first questionnaire is due."""
    return make_program(patient_a, clinician_a)


@pytest.fixture
def client(patient_a):
    return client_for(patient_a.user)


def url(program):
    return reverse("portal_questionnaire", args=[program.pk])


def shown(response):
    """The hidden fields of the form as the page drew it."""
    html = response.content.decode()
    return {
        name: re.search(rf'name="{name}" value="([^"]*)"', html)[1]
        for name in ["token", "occasion", "due_on", "activities"]
    }


def post(client, program, **answers):
    """Open the page, then send it with these answers."""
    data = shown(client.get(url(program))) | answers
    return client.post(url(program), data)


def answered():
    return Questionnaire.objects.filter(completed_at__isnull=False)


@pytest.fixture
def followed_up(patient_a, clinician_a):
    """Patient A's program, started two weeks ago with the first questionnaire answered then
    (stairs 3, kneeling 2): the first follow-up is due today."""
    start = patient_a.today() - timedelta(weeks=2)
    program = make_program(patient_a, clinician_a, start=start)
    slot = open_slot(program, [], start)
    given = Answers(
        occasion=slot.occasion,
        due_on=slot.due_on,
        token=uuid.uuid4(),
        activity_ids=[],
        nprs=6,
        new_activities=[("Stairs", 3), ("Kneel", 2)],
    )
    record_answers(program, given, by=patient_a.user, today=start)
    return program


# --- who may reach it ---------------------------------------------------------------------------


def test_signed_out_visitor_is_sent_to_sign_in(program):
    response = client_for(None).get(url(program))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_patient_of_another_clinic_gets_404(program, patient_b):
    assert client_for(patient_b.user).get(url(program)).status_code == 404
    assert client_for(patient_b.user).post(url(program), {}).status_code == 404


def test_another_patient_of_the_same_clinic_gets_404(program, clinician_a):
    other = PatientFactory(primary_clinician=clinician_a, activated=True)
    assert client_for(other.user).get(url(program)).status_code == 404


def test_clinicians_get_404(program, clinician_a, admin_a):
    assert client_for(clinician_a.user).get(url(program)).status_code == 404
    assert client_for(admin_a.user).get(url(program)).status_code == 404


def test_a_draft_program_is_404(patient_a, clinician_a, client):
    draft = prescribing.create_program(patient_a, by=clinician_a.user, title="Draft")
    assert client.get(url(draft)).status_code == 404


def test_own_program_with_nothing_open_says_so(program, client):
    post(client, program, nprs="4", **{"new-1": "Stairs", "new-1-rating": "3"})
    response = client.get(url(program))
    assert response.status_code == 200
    assert "There are no questions for you to answer right now." in response.content.decode()
    assert "form" not in response.context


def test_a_long_discharged_program_says_nothing_to_answer(clinician_a, patient_a, client):
    program = make_program(patient_a, clinician_a, start=patient_a.today() - timedelta(days=60))
    prescribing.discharge(
        program, revision=None, by=clinician_a.user, on=patient_a.today() - timedelta(days=29)
    )
    response = client.get(url(program))
    assert response.status_code == 200
    assert "There are no questions for you to answer right now." in response.content.decode()


# --- the page -----------------------------------------------------------------------------------


def test_the_first_questionnaire_asks_pain_and_names_activities(program, client):
    response = client.get(url(program))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Over the last week, what was your pain on average?" in html
    assert html.count('name="nprs"') == 11
    assert "0 = No pain" in html and "10 = Worst pain you can imagine" in html
    for number in range(1, 6):
        assert f'name="new-{number}"' in html
        assert html.count(f'name="new-{number}-rating"') == 11
    assert "Add more activities (up to 5 in all)" in html
    assert 'name="groc"' not in html
    assert shown(response)["occasion"] == "start"
    assert shown(response)["activities"] == ""


def test_a_later_questionnaire_asks_each_activity_with_skip_and_one_more(followed_up, client):
    response = client.get(url(followed_up))
    html = response.content.decode()
    stairs, kneel = current_activities(followed_up)
    assert shown(response)["occasion"] == "follow_up"
    assert shown(response)["activities"] == f"{stairs.pk},{kneel.pk}"
    assert "Stairs" in html and "Kneel" in html
    assert html.count(f'name="rating-{stairs.pk}"') == 12  # 0–10 and Skip this one
    assert "Skip this one" in html
    assert "Add another activity" in html and 'name="new-1"' in html and 'name="new-2"' not in html


def test_five_activities_leave_no_room_for_more(program, client):
    for n in range(5):
        PsfsActivity.objects.create(program=program, text=f"Activity {n}", position=n)
    html = client.get(url(program)).content.decode()
    assert 'name="new-1"' not in html and "Add another activity" not in html


def test_showing_the_form_is_audited(program, patient_a, client):
    client.get(url(program))
    entry = AuditEntry.objects.filter(subject=Subject.QUESTIONNAIRE).get()
    assert (entry.action, entry.patient_id, entry.object_id) == (
        Action.VIEW,
        patient_a.pk,
        str(program.pk),
    )


# --- answering ----------------------------------------------------------------------------------


def test_answering_saves_and_thanks_the_patient_on_today(program, patient_a, client):
    PatientFigures.objects.update_or_create(patient=patient_a, defaults={"dirty": False})
    response = post(
        client,
        program,
        nprs="6",
        **{"new-1": "Climb stairs", "new-1-rating": "3", "new-2": "Kneel", "new-2-rating": "0"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("portal_home")
    questionnaire = answered().get()
    assert questionnaire.occasion == "start"
    assert sorted(questionnaire.answers.values_list("instrument", "value")) == [
        ("nprs", 6),
        ("psfs", 0),
        ("psfs", 3),
    ]
    assert [item.text for item in current_activities(program)] == ["Climb stairs", "Kneel"]
    assert PatientFigures.objects.get(patient=patient_a).dirty
    assert AuditEntry.objects.filter(
        subject=Subject.QUESTIONNAIRE, action=Action.CREATE, object_id=str(questionnaire.pk)
    ).exists()
    today = client.get(response["Location"]).content.decode()
    assert "Thank you. Your answers are saved and your physio can see them." in today


def test_the_same_form_sent_twice_is_recorded_once(program, client):
    data = shown(client.get(url(program))) | {"nprs": "2", "new-1": "Stairs", "new-1-rating": "3"}
    client.post(url(program), data)
    response = client.post(url(program), data, follow=True)
    assert "Thank you. Your answers were already saved." in response.content.decode()
    assert answered().count() == 1 and Answer.objects.count() == 2
    assert PsfsActivity.objects.count() == 1


def test_a_later_questionnaire_skips_one_and_adds_one(followed_up, client):
    stairs, kneel = current_activities(followed_up)
    response = post(
        client,
        followed_up,
        nprs="4",
        **{
            f"rating-{stairs.pk}": "7",
            f"rating-{kneel.pk}": "skip",
            "new-1": "Run",
            "new-1-rating": "5",
        },
    )
    assert response.status_code == 302
    latest = answered().get(occasion="follow_up")
    assert dict(
        latest.answers.filter(instrument="psfs").values_list("activity__text", "value")
    ) == {
        "Stairs": 7,
        "Run": 5,
    }


def test_at_discharge_the_global_rating_is_asked(program, patient_a, clinician_a, client):
    post(client, program, nprs="6", **{"new-1": "Stairs", "new-1-rating": "3"})
    prescribing.discharge(program, revision=None, by=clinician_a.user)
    stairs = PsfsActivity.objects.get()
    response = client.get(url(program))
    html = response.content.decode()
    assert shown(response)["occasion"] == "discharge"
    assert "Since your care began, how has your problem changed?" in html
    assert html.count('name="groc"') == 7 and "Very much better" in html
    response = post(client, program, nprs="2", **{f"rating-{stairs.pk}": "8"})
    assert "Choose the answer closest to how you feel." in response.content.decode()
    assert response.status_code == 200
    post(client, program, nprs="2", groc="7", **{f"rating-{stairs.pk}": "8"})
    assert answered().get(occasion="discharge").answers.get(instrument="groc").value == 7


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "message", "field"),
    [
        (
            {"new-1": "Stairs", "new-1-rating": "3"},
            "Choose a number from 0 to 10 for your pain.",
            "nprs",
        ),
        (
            {"nprs": "11", "new-1": "Stairs", "new-1-rating": "3"},
            "Choose a number from 0 to 10 for your pain.",
            "nprs",
        ),
        ({"nprs": "3"}, "Name at least one activity that is hard for you, and rate it.", "new-1"),
        (
            {"nprs": "3", "new-1": "Stairs"},
            "Choose how well you can do it, from 0 to 10.",
            "new-1-rating",
        ),
        ({"nprs": "3", "new-1-rating": "4"}, "Write the activity this number is for.", "new-1"),
        (
            {"nprs": "3", "new-1": "x" * 121, "new-1-rating": "4"},
            "Keep it to 120 characters or fewer.",
            "new-1",
        ),
        (
            {"nprs": "3", "new-1": "Stairs", "new-1-rating": "3", "new-2": "Kneel"},
            "Choose how well you can do it, from 0 to 10.",
            "new-2-rating",
        ),
    ],
)
def test_a_wrong_answer_is_explained_next_to_it_and_nothing_is_saved(
    program, client, answers, message, field
):
    response = post(client, program, **answers)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Please check your answers. Nothing was saved yet." in html
    assert f'href="#q-{field}"' in html  # the summary links to the question
    assert f'id="{field}-error">{message}' in html  # and the message stands next to it
    assert not answered().exists() and not PsfsActivity.objects.exists()
    assert not Answer.objects.exists()


def test_an_error_in_an_added_activity_opens_the_more_activities(program, client):
    response = post(
        client, program, nprs="3", **{"new-1": "Stairs", "new-1-rating": "3", "new-3": "Kneel"}
    )
    assert re.search(r"<details class=\"mb-3\" open>", response.content.decode())


def test_each_shown_activity_needs_a_number_or_skip(program, client):
    stairs = PsfsActivity.objects.create(program=program, text="Stairs")
    response = post(client, program, nprs="3")
    assert "Choose a number from 0 to 10, or Skip this one." in response.content.decode()
    response = post(client, program, nprs="3", **{f"rating-{stairs.pk}": "skip"})
    assert "Give a number to at least one activity, or add one you find hard." in (
        response.content.decode()
    )
    assert not answered().exists()


def test_what_was_chosen_stays_chosen_after_an_error(program, client):
    response = post(client, program, nprs="7", **{"new-1": "Stairs"})
    assert re.search(r'name="nprs" id="id_nprs_7" value="7" checked', response.content.decode())
    assert 'value="Stairs"' in response.content.decode()


# --- stale forms --------------------------------------------------------------------------------


def test_a_form_overtaken_by_a_new_activity_is_refused(program, client):
    data = shown(client.get(url(program))) | {"nprs": "3", "new-1": "Stairs", "new-1-rating": "3"}
    PsfsActivity.objects.create(program=program, text="Kneel")  # the clinician pre-filled one
    response = client.post(url(program), data)
    assert response.status_code == 302 and response["Location"] == url(program)
    page = client.get(url(program)).content.decode()
    assert (
        "This page is out of date. Open the questions again from Today and try once more." in page
    )
    assert "Kneel" in page
    assert not answered().exists() and PsfsActivity.objects.count() == 1


def test_a_form_for_an_occasion_already_answered_is_refused(program, client):
    first = shown(client.get(url(program))) | {"nprs": "3", "new-1": "Stairs", "new-1-rating": "3"}
    second = shown(client.get(url(program))) | {"nprs": "8", "new-1": "Kneel", "new-1-rating": "1"}
    client.post(url(program), first)
    response = client.post(url(program), second, follow=True)
    html = response.content.decode()
    assert "These questions have already been answered or are no longer open." in html
    assert answered().count() == 1
    assert list(Answer.objects.filter(instrument="nprs").values_list("value", flat=True)) == [3]


def test_a_form_with_a_changed_occasion_is_refused(program, client):
    response = post(
        client, program, occasion="discharge", nprs="3", **{"new-1": "Stairs", "new-1-rating": "3"}
    )
    assert response.status_code == 302
    assert not answered().exists()


def test_a_form_without_its_token_is_refused(program, client):
    response = post(
        client, program, token="not-a-token", nprs="3", **{"new-1": "Stairs", "new-1-rating": "3"}
    )
    assert "This page is out of date." in response.content.decode()
    assert not answered().exists()


# --- Spanish ------------------------------------------------------------------------------------


def test_the_page_speaks_spanish_to_a_spanish_speaking_patient(program, patient_a, client):
    patient_a.preferred_language = "es"
    patient_a.save(update_fields=["preferred_language"])
    html = client.get(url(program)).content.decode()
    assert 'lang="es"' in html
    assert "Preguntas sobre su evolución" in html
    assert "Durante la última semana, ¿cuánto dolor tuvo en promedio?" in html
    assert "0 = Sin dolor" in html
    assert "Knee program" in html  # the title as the physio wrote it
    response = post(client, program, nprs="3")
    assert "Nombre al menos una actividad" in response.content.decode()


# --- Today --------------------------------------------------------------------------------------


def test_due_for_costs_one_query_however_many_programs(
    program, patient_a, clinician_a, django_assert_num_queries
):
    other = make_program(patient_a, clinician_a, title="Back")
    later = make_program(patient_a, clinician_a, start=patient_a.today() + timedelta(days=3))
    programs = list(Program.objects.filter(pk__in=[program.pk, other.pk, later.pk]))
    with django_assert_num_queries(1):
        due = due_for(programs, patient_a.today())
    assert set(due) == {program.pk, other.pk}
    assert due[program.pk].occasion == "start"
    with django_assert_num_queries(1):
        due_for(programs[:1], patient_a.today())
    with django_assert_num_queries(0):
        assert due_for([], patient_a.today()) == {}


def test_the_card_links_to_the_questions(program, patient_a):
    from django.template.loader import render_to_string

    slot = open_slot(program, [], patient_a.today())
    html = render_to_string(
        "programs/portal/_questionnaire_due.html", {"program": program, "due": slot}
    )
    assert "Your physio has a few questions for you" in html
    assert url(program) in html
    assert "How are you getting on with Knee program? Answering takes about a minute." in html


# --- the reminder email -------------------------------------------------------------------------

HEALTH_WORDS = ["pain", "nprs", "psfs", "knee", "function", "condition", "rating", "outcome"]


def test_a_reminder_goes_once_per_questionnaire(program, patient_a):
    assert send_questionnaire_reminders(timezone.now()) == 1
    message = mail.outbox[-1]
    assert message.to == ["pat@example.com"]
    assert message.subject == "Your physio has a few questions for you"
    assert "Hello Pat," in message.body and "on your Today page" in message.body
    html = message.alternatives[0][0]
    for text in [message.subject, message.body, html]:
        assert not [word for word in HEALTH_WORDS if word in text.lower()]
    row = Questionnaire.objects.get()
    assert (row.occasion, row.due_on, row.completed_at) == ("start", program.start_date, None)
    assert row.reminded_at is not None
    assert send_questionnaire_reminders(timezone.now()) == 0
    assert len(mail.outbox) == 1
    assert AuditEntry.objects.filter(subject=Subject.QUESTIONNAIRE, action=Action.SEND).count() == 1


def test_one_email_for_two_programs(program, patient_a, clinician_a):
    make_program(patient_a, clinician_a, title="Back")
    assert send_questionnaire_reminders(timezone.now()) == 1
    assert Questionnaire.objects.filter(reminded_at__isnull=False).count() == 2
    assert len(mail.outbox) == 1


def test_the_next_occasion_is_reminded_again(followed_up):
    start = Questionnaire.objects.get()
    Questionnaire.objects.update(reminded_at=timezone.now() - timedelta(weeks=2))
    assert send_questionnaire_reminders(timezone.now()) == 1
    row = Questionnaire.objects.exclude(pk=start.pk).get()
    assert (row.occasion, row.due_on) == ("follow_up", followed_up.start_date + timedelta(weeks=2))


def test_no_reminder_without_an_account_or_with_reminders_off(
    program, patient_a, patient_a2, clinician_a
):
    make_program(patient_a2, clinician_a)  # not invited: no account
    patient_a.reminders_enabled = False
    patient_a.save(update_fields=["reminders_enabled"])
    assert send_questionnaire_reminders(timezone.now()) == 0
    assert mail.outbox == []


def test_no_reminder_once_answered(program, client):
    post(client, program, nprs="3", **{"new-1": "Stairs", "new-1-rating": "3"})
    assert send_questionnaire_reminders(timezone.now()) == 0


def test_a_recently_discharged_patient_is_reminded_of_the_discharge_questions(
    program, patient_a, clinician_a, client
):
    post(client, program, nprs="3", **{"new-1": "Stairs", "new-1-rating": "3"})
    prescribing.discharge(program, revision=None, by=clinician_a.user)
    assert send_questionnaire_reminders(timezone.now()) == 1
    assert Questionnaire.objects.get(occasion="discharge").reminded_at is not None


def test_a_mail_server_down_leaves_the_reminder_for_the_next_run(program):
    with mail_server_down() as attempted:
        assert send_questionnaire_reminders(timezone.now()) == 0
    assert len(attempted) == 1
    assert Questionnaire.objects.get().reminded_at is None
    assert not AuditEntry.objects.filter(action=Action.SEND).exists()
    assert send_questionnaire_reminders(timezone.now()) == 1
    assert len(mail.outbox) == 1


def test_the_reminder_speaks_the_patients_language(program, patient_a):
    patient_a.preferred_language = "es"
    patient_a.save(update_fields=["preferred_language"])
    send_questionnaire_reminders(timezone.now())
    message = mail.outbox[-1]
    assert message.subject == "Su fisioterapeuta tiene unas preguntas para usted"
    assert "Hola, Pat:" in message.body


def test_the_command_says_how_many_went(program, capsys):
    call_command("send_questionnaire_reminders")
    assert capsys.readouterr().out.strip() == "1 email sent."
