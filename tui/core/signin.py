"""Signing in (SPEC §3), one function per way: by phone (a scanned code, then
the form: one tap for a phone that remembers its member, else member number
and sign-in PIN), by badge, and by hand. Each returns an outcome: signed in,
a form to show (again, and why), or refused and why. The caller (a web
route, a screen) only renders it; nothing is decided there.

The walk of one member by phone:

1. The phone scans ``<address>/S/<room token>`` (``PhoneSignin.scanned``).
   The token must be the open meeting's and fresh (this window or the one
   before: rules.meeting.signin). The answer names the phone in a cookie and carries
   a form ticket good for a few minutes, bound to that phone.
2. The phone sends the form (``PhoneSignin.submitted``): the ticket must be
   authentic, fresh, from this phone and not used before; the member is the
   one the phone remembers, or the one whose number and PIN were typed (the
   PIN checked off the loop, with its throttles: per person, stored; per
   kiosk, in memory).
3. ``Kiosk.sign_in`` records it (rules.meeting.signin.sign_in decides: present or
   late, or a refusal); the phone is told "signed in" only once the record
   is on disk (``Kiosk.flush``).

Every refusal records nothing.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from rules.meeting import flow, signin
from rules.meeting.minutes import meeting_members
from rules.meeting.signin import PhoneCookie, SigninRefused, TokenProblem
from rules.models import AttendanceStatus, Meeting, Person, RecordedBy
from rules.organisation import access
from storage import StorageError
from tui.core.kiosk import Kiosk

#: Form tickets remembered as used, per meeting, at most (oldest forgotten).
_USED_LIMIT = 5000
_NONCE_EXTRA = 10  # random characters after the device id in a ticket's nonce
#: How far back a code of another meeting is recognised as one (a year).
_OTHER_MEETING_WINDOWS = 366 * 24 * 3600 // signin.WINDOW

log = logging.getLogger("xiaozu.phone")


class Why(StrEnum):
    """Why a sign-in was refused. The first four are rules.meeting.signin's
    (``Refusal``, same values); the rest are this use case's."""

    NOT_OPEN = signin.Refusal.NOT_OPEN.value  # no meeting taking sign-ins
    NOT_MEMBER = signin.Refusal.NOT_MEMBER.value  # not a member expected here
    ALREADY = signin.Refusal.ALREADY.value  # already signed in (``at``)
    PHONE_USED = signin.Refusal.PHONE_USED.value  # this phone signed another in
    UNAVAILABLE = "unavailable"  # the signing key cannot be read
    CODE_OTHER_MEETING = "code of another meeting"
    CODE_EXPIRED = "code expired"  # a photo, a forwarded code
    CODE_INVALID = "code invalid"
    FORM_UNREADABLE = "form unreadable"
    PAGE_EXPIRED = "page expired"  # the form's ticket is too old
    PAGE_INVALID = "page invalid"  # not this meeting's ticket
    NO_COOKIE = "no cookie"  # the phone keeps no cookie, or another phone's
    ALREADY_SENT = "already sent"  # this form's ticket was used
    PINS_UNREADABLE = "pins unreadable"  # storage failed: the screen says why
    NOT_SAVED = "not saved"  # the record did not reach the disk
    BADGE_INVALID = "badge invalid"
    BADGE_REVOKED = "badge revoked"  # a newer badge was issued


@dataclass(frozen=True)
class Refused:
    why: Why
    meeting: Meeting | None = None  # the meeting taking sign-ins, if any
    person: Person | None = None  # who was refused, when known
    at: datetime | None = None  # ALREADY: when they were recorded
    person_id: str | None = None  # who was refused, even when not a person of ours

    @property
    def rule(self) -> signin.Refusal | None:
        """The rule's refusal (rules.meeting.signin.Refusal), if it was the rule's."""
        try:
            return signin.Refusal(self.why.value)
        except ValueError:
            return None


class Ask(StrEnum):
    """Why the sign-in form is shown again."""

    FORGOTTEN = "forgotten"  # the phone's remembered member reset their PIN
    KIOSK_BUSY = "kiosk busy"  # too many wrong PINs on this kiosk (``until``)
    LOCKED_OUT = "locked out"  # too many wrong PINs for this person (``until``)
    WRONG = "wrong"  # wrong number or PIN (``tries_left``)


@dataclass(frozen=True)
class Form:
    """The sign-in form to show: a fresh ticket for this phone; the member
    it remembers (one tap), who may not be a member at this meeting; or the
    number and PIN fields, again with why."""

    meeting: Meeting
    ticket: str
    cookie: str  # the phone's cookie to set (signed)
    remembered: Person | None = None
    remembered_is_member: bool = False
    number: str = ""  # the number typed, shown again
    ask: Ask | None = None
    until: datetime | None = None
    tries_left: int | None = None


@dataclass(frozen=True)
class SignedIn:
    meeting: Meeting  # with the new record
    person: Person
    status: AttendanceStatus
    at: datetime
    cookie: str = ""  # by phone: the cookie that remembers the member on it


def _signin_refused(refusal: SigninRefused, kiosk: Kiosk, meeting: Meeting | None) -> Refused:
    who = refusal.person_id
    person = kiosk.records.person(who) if who else None
    record = meeting.attendance_of(who) if meeting and who else None
    at = record.recorded_at if record else None
    return Refused(Why(refusal.refusal.value), meeting, person, at, who)


def _signed_in(
    kiosk: Kiosk, changed: Meeting, person: Person, cookie: str = "", at: datetime | None = None
) -> SignedIn:
    record = changed.attendance_of(person.id)
    status = AttendanceStatus.LATE if record is None else record.status
    return SignedIn(changed, person, status, at or kiosk.now(), cookie)


# -- by badge, by hand ---------------------------------------------------------------


def by_badge(kiosk: Kiosk, token: str) -> SignedIn | Refused:
    """A badge read by the kiosk's scanner: its owner signed in, or why not."""
    meeting = kiosk.signin_meeting()
    try:
        verdict, changed = kiosk.sign_in_badge(token)
    except SigninRefused as refusal:
        return _signin_refused(refusal, kiosk, meeting)
    person = kiosk.records.person(verdict.person_id) if verdict.person_id else None
    if verdict.problem is signin.BadgeProblem.REVOKED:
        return Refused(Why.BADGE_REVOKED, meeting, person, person_id=verdict.person_id)
    if not verdict.ok or changed is None or person is None:
        return Refused(Why.BADGE_INVALID, meeting)
    return _signed_in(kiosk, changed, person)


def by_hand(
    kiosk: Kiosk, person_id: str, status: AttendanceStatus, at: datetime, reason: str = ""
) -> Callable[[Meeting], Meeting]:
    """The leader marks someone on the roster at ``at`` (when the key was
    pressed, though a reason is asked for after): the change the meeting
    screen applies and saves (rules.meeting.flow.mark_attendance, which raises
    FlowError for what the rules refuse)."""
    org = kiosk.org
    return lambda meeting: flow.mark_attendance(meeting, org, person_id, status, at, reason=reason)


# -- by phone --------------------------------------------------------------------------


class PhoneSignin:
    """Signing in by phone on one kiosk: the tickets already used and the
    turns of PIN checks are kept here, between the requests of all phones."""

    def __init__(self, kiosk: Kiosk, on_signed_in: Callable[[str], None] | None = None) -> None:
        self.kiosk = kiosk
        self.on_signed_in = on_signed_in or (lambda meeting_id: None)
        self._used: dict[str, dict[str, None]] = {}  # meeting -> used nonces, in order
        # Sign-in PIN checks under way, and their turns (``_pin_turn_taken``).
        self._pin_checks = 0
        self._pin_turn = asyncio.Condition()

    def code(self, base: str, now: datetime | None = None) -> str | None:
        """The address the kiosk's code says now (None: nothing takes sign-ins)."""
        meeting, secret = self.kiosk.signin_meeting(), self.kiosk.credentials.secret
        if meeting is None or secret is None:
            return None
        return f"{base}/S/{signin.room_token(secret, meeting.id, now or self.kiosk.now())}"

    # -- 1. the code was scanned ------------------------------------------------------

    def scanned(self, token: str, cookie: str | None) -> Form | Refused:
        kiosk = self.kiosk
        meeting, secret = kiosk.signin_meeting(), kiosk.credentials.secret
        if secret is None:
            return Refused(Why.UNAVAILABLE)
        token = token.upper()
        if meeting is None:
            return Refused(Why.NOT_OPEN)
        verdict = signin.check_room_token(secret, meeting.id, token, kiosk.now())
        if not verdict.ok:
            other = verdict.problem is TokenProblem.FORGED and self._other_meeting(
                token, secret, meeting.id
            )
            log.info("code refused: %s%s", verdict.problem, " (other meeting)" if other else "")
            if other:
                return Refused(Why.CODE_OTHER_MEETING, meeting)
            if verdict.problem in (TokenProblem.EXPIRED, TokenProblem.FUTURE):
                return Refused(Why.CODE_EXPIRED, meeting)
            return Refused(Why.CODE_INVALID, meeting)
        phone = self._cookie(secret, cookie) or PhoneCookie(_new_device())
        return self._form(meeting, phone, secret)

    def _other_meeting(self, token: str, secret: bytes, open_id: str) -> bool:
        """Is ``token`` an authentic code of another meeting (any time)?"""
        window, _, _ = token.partition(".")
        if not (window.isascii() and window.isdigit() and len(window) <= 12):
            return False
        if abs(int(window) - signin.window_of(self.kiosk.now())) > _OTHER_MEETING_WINDOWS:
            return False
        then = signin.window_start(int(window))
        return any(
            signin.check_room_token(secret, m.id, token, then).ok
            for m in self.kiosk.records.meetings_all()
            if m.id != open_id
        )

    def _form(
        self,
        meeting: Meeting,
        phone: PhoneCookie,
        secret: bytes,
        *,
        number: str = "",
        ask: Ask | None = None,
        until: datetime | None = None,
        tries_left: int | None = None,
    ) -> Form:
        nonce = phone.device + secrets.token_urlsafe(8)[:_NONCE_EXTRA]
        ticket = signin.form_ticket(secret, meeting.id, self.kiosk.now(), nonce)
        known = self._remembered(phone) if ask is None else None
        members = {p.id for p in meeting_members(meeting, self.kiosk.org)} if known else set()
        return Form(
            meeting,
            ticket,
            signin.phone_cookie(secret, phone),
            known,
            known is not None and known.id in members,
            number,
            ask,
            until,
            tries_left,
        )

    def _remembered(self, phone: PhoneCookie) -> Person | None:
        """The member this phone remembers, if the PIN it signed in with is
        still their current one."""
        if phone.person_id is None:
            return None
        person = self.kiosk.records.person(phone.person_id)
        if person is None or self.kiosk.credentials.signin_version(person.id) != phone.version:
            return None
        return person

    @staticmethod
    def _cookie(secret: bytes, value: str | None) -> PhoneCookie | None:
        return signin.read_phone_cookie(secret, value) if value else None

    # -- 2. the form was sent ------------------------------------------------------------

    async def submitted(
        self, fields: Mapping[str, str] | None, cookie: str | None
    ) -> SignedIn | Form | Refused:
        """The form's ``fields`` (None: the body could not be read as a form)
        and the phone's cookie."""
        kiosk = self.kiosk
        secret = kiosk.credentials.secret
        if secret is None:
            return Refused(Why.UNAVAILABLE)
        if fields is None:
            return Refused(Why.FORM_UNREADABLE)
        meeting = kiosk.signin_meeting()
        if meeting is None:
            return Refused(Why.NOT_OPEN)
        now = kiosk.now()
        checked = signin.check_form_ticket(secret, meeting.id, fields.get("ticket", ""), now)
        phone = self._cookie(secret, cookie)
        if not checked.ok or checked.nonce is None:
            expired = checked.problem in (TokenProblem.EXPIRED, TokenProblem.FUTURE)
            return Refused(Why.PAGE_EXPIRED if expired else Why.PAGE_INVALID, meeting)
        if phone is None or not checked.nonce.startswith(phone.device):
            return Refused(Why.NO_COOKIE, meeting)
        used = self._used.setdefault(meeting.id, {})
        if checked.nonce in used:
            return Refused(Why.ALREADY_SENT, meeting)
        used[checked.nonce] = None
        while len(used) > _USED_LIMIT:
            del used[next(iter(used))]

        who = await self._identify(fields, phone, meeting, secret)
        if not isinstance(who, Person):
            return who
        try:
            changed = kiosk.sign_in(who.id, RecordedBy.PHONE, phone=phone.phone)
        except SigninRefused as refusal:
            log.info("sign-in refused: %s", refusal.refusal)
            return _signin_refused(refusal, kiosk, meeting)
        log.info("signed in %s to %s by phone", who.id, meeting.id)
        self.on_signed_in(meeting.id)  # the roster shows it at once
        if not await kiosk.writer.flush():
            return Refused(Why.NOT_SAVED, meeting, who, person_id=who.id)
        version = kiosk.credentials.signin_version(who.id) or 0
        remember = signin.phone_cookie(secret, PhoneCookie(phone.device, who.id, version))
        return _signed_in(kiosk, changed, who, remember, at=now)

    async def _identify(
        self, fields: Mapping[str, str], phone: PhoneCookie, meeting: Meeting, secret: bytes
    ) -> Person | Form | Refused:
        """Who is signing in: the remembered member (one tap), or the one
        whose member number and sign-in PIN were typed."""
        kiosk = self.kiosk
        if fields.get("remembered") == "1":
            person = self._remembered(phone)
            if person is not None:
                return person
            return self._form(meeting, phone, secret, ask=Ask.FORGOTTEN)
        number = fields.get("number", "").strip()[:40]
        pin = fields.get("pin", "")[:40]
        now = kiosk.now()
        person = kiosk.records.person_by_number(number)
        blocked = kiosk.credentials.phone_throttle.blocked_until(now)
        checking = blocked is None and person is not None and bool(pin)
        if checking:
            blocked = await self._pin_turn_taken()
        if blocked is not None:
            return self._form(
                meeting, phone, secret, number=number, ask=Ask.KIOSK_BUSY, until=blocked
            )
        verdict = None
        if checking:
            assert person is not None
            try:
                verdict = await asyncio.to_thread(
                    kiosk.credentials.check_signin_pin, person, pin, now
                )
                if verdict.outcome is access.PinOutcome.WRONG:  # counted before the turn ends
                    kiosk.credentials.phone_pin_failed(now)
            except StorageError as error:
                # The stored PINs cannot be read: nobody signs in by PIN until
                # that is mended; the kiosk's screen says which file and why.
                log.warning("sign-in PIN check failed: %s", error.message("en"))
                if kiosk.writer.on_error is not None:
                    kiosk.writer.on_error(error, meeting.id)
                return Refused(Why.PINS_UNREADABLE, meeting)
            finally:
                await self._pin_turn_over()
        if verdict is not None and verdict.accepted and person is not None:
            return person
        if verdict is None:
            kiosk.credentials.phone_pin_failed(now)
        log.info("wrong member number or sign-in PIN")
        if verdict is not None and verdict.outcome is access.PinOutcome.LOCKED_OUT:
            return self._form(
                meeting, phone, secret, number=number, ask=Ask.LOCKED_OUT, until=verdict.retry_at
            )
        left = verdict.tries_left if verdict is not None else None
        return self._form(meeting, phone, secret, number=number, ask=Ask.WRONG, tries_left=left)

    async def _pin_turn_taken(self) -> datetime | None:
        """Wait for a turn to check a sign-in PIN. The wrong PINs of the last
        KIOSK_SPAN and the checks under way (each may be wrong) together stay
        within KIOSK_LIMIT: many phones guessing at once get no more guesses
        than one phone, though a check takes a while (scrypt). A crowd of
        members signing in at once only waits a moment. None when the turn
        is taken (end it with ``_pin_turn_over``); else when the kiosk takes
        PINs again."""
        async with self._pin_turn:
            while True:
                now = self.kiosk.now()
                throttle = self.kiosk.credentials.phone_throttle
                blocked = throttle.blocked_until(now)
                if blocked is not None:
                    return blocked
                for _ in range(self._pin_checks):
                    throttle = throttle.failed(now)
                if throttle.blocked_until(now) is None:
                    self._pin_checks += 1
                    return None
                await self._pin_turn.wait()

    async def _pin_turn_over(self) -> None:
        async with self._pin_turn:
            self._pin_checks -= 1
            self._pin_turn.notify_all()


def _new_device() -> str:
    return secrets.token_urlsafe(16)[:22]
