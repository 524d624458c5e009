import uuid
from datetime import date, timedelta

import factory
from django.utils import timezone

from clinic.models import Clinic, Clinician, Patient, User
from exercises.models import Exercise

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ClinicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinic

    name = factory.Sequence(lambda n: f"Clinic {n}")
    slug = factory.Sequence(lambda n: f"clinic-{n}")
    email = factory.Sequence(lambda n: f"front-desk{n}@clinic.example")
    phone = "01234 567890"


class ClinicianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinician

    user = factory.SubFactory(UserFactory)
    clinic = factory.SubFactory(ClinicFactory)
    role = Clinician.Role.CLINICIAN


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient
        skip_postgeneration_save = True

    primary_clinician = factory.SubFactory(ClinicianFactory)
    clinic = factory.SelfAttribute("primary_clinician.clinic")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = date(1970, 1, 1)
    email = factory.Sequence(lambda n: f"patient{n}@example.com")

    @factory.post_generation
    def activated(obj, create, extracted, **kwargs):
        """PatientFactory(activated=True) gives the patient a portal account."""
        if create and extracted:
            obj.user = UserFactory(email=obj.email, full_name=obj.full_name)
            obj.save(update_fields=["user"])


class ExerciseFactory(factory.django.DjangoModelFactory):
    """A clinic's own exercise (pass clinic=None for a global one)."""

    class Meta:
        model = Exercise

    clinic = factory.SubFactory(ClinicFactory)
    name = factory.Sequence(lambda n: f"Practice move {n}")
    slug = factory.Sequence(lambda n: f"practice-move-{n}")
    summary = "A practice move."
    purpose = "Keeps things moving."
    position = "standing"
    region = "lower_body"
    body_part = "knee"
    activity_type = "body_weight"
    steps = factory.LazyFunction(lambda: ["Stand tall.", "Bend your knees a little."])
    reps_min = 10


def active_program(
    patient, clinician, slugs=("clamshell", "reverse-clamshell"), start=None, title="Hip program"
):
    """An activated program of library exercises (load the library first)."""
    from programs import prescribing

    program = prescribing.create_program(
        patient, by=clinician.user, title=title, start_date=start or patient.today()
    )
    for slug in slugs:
        prescribing.add_item(
            program, Exercise.objects.get(slug=slug, clinic=None), revision=None, by=clinician.user
        )
    prescribing.activate(program, revision=None, by=clinician.user)
    program.refresh_from_db()
    return program


def logged_session(
    program,
    day,
    *,
    done=True,
    pain=None,
    sets=None,
    reps=None,
    difficulty="",
    note="",
    slot=1,
):
    """A session logged as the portal logs one (programs.sessions.log_session): every item of
    the program, done or skipped, with the prescribed sets and reps unless given.

    `done` is True, False, or the items that were done (the others skipped)."""
    from programs.sessions import EntryValues, log_session

    items = list(program.items.select_related("exercise", "program"))
    entries = []
    for item in items:
        did = done if isinstance(done, bool) else item in done
        entries.append(
            EntryValues(
                item=item,
                done=did,
                sets_done=item.sets if sets is None else sets,
                reps_done=(item.reps_min if reps is None else reps) if did else None,
                pain=pain,
            )
        )
    session, _ = log_session(
        program,
        day=day,
        slot=slot,
        token=uuid.uuid4(),
        entries=entries,
        difficulty=difficulty,
        note=note,
    )
    return session


def answered_questionnaire(program, day, nprs, ratings=None, occasion="follow_up", groc=None):
    """An outcome questionnaire answered on `day` (the clinic's), as the portal records one:
    the NPRS, a rating per PSFS activity given ({activity: rating}), and the GROC if given."""
    from programs.instruments import GROC, NPRS, PSFS
    from programs.models import Answer, Questionnaire

    questionnaire = Questionnaire.objects.create(
        program=program,
        occasion=occasion,
        due_on=day,
        completed_at=timezone.now(),
        completed_on=day,
        token=uuid.uuid4(),
    )
    rows = [Answer(questionnaire=questionnaire, instrument=NPRS, value=nprs)]
    rows += [
        Answer(questionnaire=questionnaire, instrument=PSFS, activity=activity, value=value)
        for activity, value in (ratings or {}).items()
    ]
    if groc is not None:
        rows.append(Answer(questionnaire=questionnaire, instrument=GROC, value=groc))
    Answer.objects.bulk_create(rows)
    return questionnaire


def started_program(patient, clinician, days_ago=0, title="Knee program"):
    """An active program of one clinic exercise (no library needed), started `days_ago` days
    before the clinic's today."""
    from programs import prescribing

    program = prescribing.create_program(
        patient,
        by=clinician.user,
        title=title,
        start_date=patient.today() - timedelta(days=days_ago),
    )
    prescribing.add_item(
        program, ExerciseFactory(clinic=patient.clinic), revision=None, by=clinician.user
    )
    prescribing.activate(program, revision=None, by=clinician.user)
    program.refresh_from_db()
    return program


def psfs_activity(program, text, position=0):
    """An activity the patient rates on the PSFS at each questionnaire of the program."""
    from programs.models import PsfsActivity

    return PsfsActivity.objects.create(program=program, text=text, position=position)
