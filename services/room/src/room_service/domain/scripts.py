"""Domain: facilitation scripts (opening words, prompts, closing) per session type, and which sessions may use one."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from hearth_common.text import required_text
from hearth_common.vocabulary import ROOM_SLUG, Cohort
from room_service.domain.circle import SHARING_CIRCLE_TOPIC
from room_service.domain.errors import InvalidScript, UnknownScript

SHARING_CIRCLE, SUPPORT_SESSION, ON_SPOT_CHECK_IN = "sharing_circle", "support_session", "on_spot_check_in"
# What kind of gathering a script is written for: a Sharing Circle (turns, the mantra), a support session led by
# a Support Session Leader, or the short check-in an On-spot Host opens on the spot.
SESSION_TYPES = (SHARING_CIRCLE, SUPPORT_SESSION, ON_SPOT_CHECK_IN)
ANY_AUDIENCE = "any"
AUDIENCES = (ANY_AUDIENCE, Cohort.ADULT.value, Cohort.TEEN.value)
TITLE_LENGTH = (3, 120)
TEXT_MAX = 2000  # the opening or the closing, as long as a message may be
PROMPT_MAX = 500
MAX_PROMPTS = 20


@dataclasses.dataclass(eq=False)
class Script:
    """A facilitation script from room's library: what the leader says to open, asks along the way, and says to
    close. `audience_cohort`: "teen" or "adult" for a version written for that cohort, "any" for both."""

    script_id: str
    session_type: str
    audience_cohort: str
    title: str
    opening: str
    prompts: tuple[str, ...]
    closing: str
    updated_by: str = "seed"
    updated_at: dt.datetime | None = None

    def validate(self) -> Script:
        """The script with its texts trimmed; InvalidScript naming the field and what it allows."""
        if refusal := ROOM_SLUG.refusal(self.script_id, "script_id"):
            raise InvalidScript(refusal)
        if self.session_type not in SESSION_TYPES:
            raise InvalidScript(f"session_type must be one of {', '.join(SESSION_TYPES)}")
        if self.audience_cohort not in AUDIENCES:
            raise InvalidScript(f"audience_cohort must be one of {', '.join(AUDIENCES)}")
        low, high = TITLE_LENGTH
        self.title = required_text(self.title, "title", high, min_length=low, error=InvalidScript)
        self.opening = required_text(self.opening, "opening", TEXT_MAX, error=InvalidScript)
        self.closing = required_text(self.closing, "closing", TEXT_MAX, error=InvalidScript)
        if not isinstance(self.prompts, list | tuple) or not 1 <= len(self.prompts) <= MAX_PROMPTS:
            raise InvalidScript(f"prompts must be a list of 1 to {MAX_PROMPTS} questions")
        self.prompts = tuple(required_text(prompt, f"prompts[{index}]", PROMPT_MAX, error=InvalidScript)
                             for index, prompt in enumerate(self.prompts))
        return self

    def check_fits(self, room_topic: str, room_cohort: str, session_kind: str) -> None:
        """Whether a session of this kind in a room of this topic and cohort may use the script; UnknownScript
        (INVALID_ARGUMENT, naming the script) says why not. A teen version never opens an adult session, nor the
        reverse; a Sharing Circle script needs a Sharing Circle room (its turns); an on-spot check-in script is
        for a session opened on the spot."""
        if self.audience_cohort not in (ANY_AUDIENCE, room_cohort):
            raise UnknownScript(f"script {self.script_id!r} is written for {self.audience_cohort} rooms; this room "
                                f"is for {room_cohort}s (ListScripts shows the scripts for it)")
        if self.session_type == SHARING_CIRCLE and room_topic != SHARING_CIRCLE_TOPIC:
            raise UnknownScript(f"script {self.script_id!r} is for Sharing Circle rooms; choose a support session "
                                "script for this room")
        if self.session_type == ON_SPOT_CHECK_IN and session_kind != "unplanned":
            raise UnknownScript(f"script {self.script_id!r} is for check-ins an On-spot Host opens on the spot; "
                                "choose a support session script for a scheduled session")


def script_from(spec: dict[str, Any], updated_by: str, now: dt.datetime | None) -> Script:
    """A script from plain fields (an admin's PutScript, or a seeded record), validated."""
    fields = ("script_id", "session_type", "audience_cohort", "title", "opening", "prompts", "closing")
    return Script(**{name: spec.get(name) for name in fields}, updated_by=updated_by, updated_at=now).validate()
