"""Logging a session: what is due on a day, which days may be logged, and saving a log."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from clinic.models import AuditAction, User
from programs.adherence import program_window
from programs.audit import session_event
from programs.figures import mark_changed
from programs.models import (
    Difficulty,
    EntryStatus,
    Program,
    ProgramItem,
    SessionEntry,
    SessionLog,
)

BACKDATE_DAYS = 7


class LogError(Exception):
    """A log that cannot be saved; the message is fit to show the patient."""


def is_due(item: ProgramItem, day: date) -> bool:
    """Whether the item is scheduled on that day. "N days a week" items may be done any day;
    an item done as needed is never scheduled (programs/as_needed.py counts it apart)."""
    if item.as_needed:
        return False
    named = item.effective_frequency.named_days()
    return not named or day.weekday() in named


def items_due(items: Iterable[ProgramItem], day: date) -> list[ProgramItem]:
    """The items scheduled on that day: the one place that says so (Today, the log form,
    streaks, missed days and reminders all ask here)."""
    return [item for item in items if is_due(item, day)]


def sessions_per_day(items: list[ProgramItem]) -> int:
    return max((item.effective_frequency.times_per_day for item in items), default=0)


def streak(program: Program, today: date) -> int:
    """Days in a row, up to today (or yesterday, if today is not logged yet), with at least one
    exercise done. Days on which nothing is scheduled neither count nor break it."""
    done_days = set(
        program.sessions.filter(entries__done=True)
        .order_by()
        .values_list("date", flat=True)
        .distinct()
    )
    window = program_window(program, today)
    if not window:
        return 0
    items = list(program.items.all())
    count, day = 0, today
    if day not in done_days:
        day -= timedelta(days=1)
    while day >= window[0]:
        if not items_due(items, day):
            day -= timedelta(days=1)
            continue
        if day not in done_days:
            break
        count += 1
        day -= timedelta(days=1)
    return count


def missed_days(program: Program, logged: set[date], today: date) -> list[date]:
    """The earlier days, newest first, that may still be logged (the last BACKDATE_DAYS days of
    the program with exercises due), other than those in `logged`."""
    window = program_window(program, today)
    if window is None:
        return []
    items = list(program.items.all())
    earlier = [today - timedelta(days=back) for back in range(1, BACKDATE_DAYS + 1)]
    return [
        day
        for day in earlier
        if window[0] <= day <= window[1] and day not in logged and items_due(items, day)
    ]


def check_log_day(program: Program, day: date, today: date) -> None:
    """Raise LogError unless the patient may log this program on that day."""
    if day > today:
        raise LogError(_("You can't log a session for a day that hasn't happened yet."))
    if day < today - timedelta(days=BACKDATE_DAYS):
        raise LogError(
            _("You can log sessions up to %(days)d days back.") % {"days": BACKDATE_DAYS}
        )
    window = program_window(program, today)
    if window is None or not (window[0] <= day <= window[1]):
        raise LogError(_("Your program did not run on that day."))


@dataclass
class EntryValues:
    item: ProgramItem
    done: bool
    skip_reason: str = ""
    sets_done: int | None = None
    reps_done: int | None = None
    pain: int | None = None


class StaleLog(LogError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "This session was changed after you opened this page (perhaps on another "
                "device), so nothing was saved. The page now shows the latest answers: change "
                "them again if you need to."
            )
        )


def log_session(
    program: Program,
    *,
    day: date,
    slot: int,
    token: uuid.UUID,
    entries: list[EntryValues],
    difficulty: str = "",
    note: str = "",
    revision: int | None = None,
    entered_by: User | None = None,
) -> tuple[SessionLog, bool]:
    """Save a session; returns (the log, whether this call saved anything).

    A token that was already used returns that log unchanged (a double tap or a resubmitted
    form). A day and slot that already have a log are updated in place, entry by entry: editing
    never makes a second session and never deletes what was logged.

    `revision` is the log's revision the form was showing (0 for a form opened before there was
    a log). When the log has moved on since, StaleLog is raised and nothing is saved, so an
    older form can never restore older answers over a later edit.

    `entered_by` is the carer who entered it on the patient's behalf (None: the patient did);
    the log keeps whoever saved it last."""
    if difficulty and difficulty not in Difficulty.values:
        raise LogError(_("Choose how hard the session felt from the list."))
    existing = SessionLog.objects.filter(token=token).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            version = program.versions.order_by("-number").first()
            if version is None:
                raise LogError(_("This program is not active yet."))
            log = (
                SessionLog.objects.select_for_update()
                .filter(program=program, date=day, slot=slot)
                .first()
            )
            if log is None:
                log = SessionLog(program=program, date=day, slot=slot, revision=1)
            else:
                if revision is not None and revision != log.revision:
                    raise StaleLog
                log.revision += 1
            is_new = log.pk is None
            log.version, log.difficulty, log.note, log.token = version, difficulty, note, token
            log.entered_by = entered_by
            log.save()
            _save_entries(log, entries)
            mark_changed([program.patient_id])
            session_event(
                AuditAction.CREATE if is_new else AuditAction.CHANGE, log, program, "logged"
            )
    except IntegrityError:
        # Two submissions raced: the other one won; it holds the same information.
        return SessionLog.objects.get(program=program, date=day, slot=slot), False
    return log, True


ENTRY_FIELDS = ["exercise_name", "prescription", "done", "skip_reason", "sets_done", "reps_done"]


def _save_entries(log: SessionLog, entries: list[EntryValues]) -> None:
    """Update the entries this form covers in place and add the new ones. An entry for an
    exercise that has since left the program stays as it was logged."""
    current = {entry.item_ref: entry for entry in log.entries.all()}
    changed, added = [], []
    for values in entries:
        fresh = _entry(log, values)
        entry = current.get(values.item.pk)
        if entry is None:
            added.append(fresh)
            continue
        for name in [*ENTRY_FIELDS, "pain", "item"]:
            setattr(entry, name, getattr(fresh, name))
        changed.append(entry)
    SessionEntry.objects.bulk_update(changed, [*ENTRY_FIELDS, "pain", "item"])
    SessionEntry.objects.bulk_create(added)


def _entry(log: SessionLog, values: EntryValues) -> SessionEntry:
    item = values.item
    return SessionEntry(
        session=log,
        item=item,
        item_ref=item.pk,
        exercise_name=item.display_name,
        prescription=item.prescription_text,
        done=values.done,
        skip_reason=values.skip_reason if not values.done else "",
        sets_done=values.sets_done if values.done else None,
        reps_done=values.reps_done if values.done else None,
        pain=values.pain,
    )


def prefilled_reps(item: ProgramItem) -> int | None:
    if item.to_fatigue:
        return None
    return item.reps_max or item.reps_min


def entry_initial(item: ProgramItem, entry: SessionEntry | None) -> dict[str, Any]:
    """What the form shows for an item: the earlier answer, or the prescribed dose."""
    if entry is None:
        return {"sets": item.sets, "reps": prefilled_reps(item)}
    return {
        "status": EntryStatus.DONE if entry.done else EntryStatus.SKIPPED,
        "reason": entry.skip_reason,
        "sets": entry.sets_done if entry.done else item.sets,
        "reps": entry.reps_done if entry.done else prefilled_reps(item),
        "pain": entry.pain,
    }
