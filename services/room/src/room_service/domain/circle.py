"""Domain: the Sharing Circle's turn queue: members raise hands, the host gives turns first come first served."""
from __future__ import annotations

import dataclasses
import datetime as dt

from hearth_common.vocabulary import Kind
from room_service.domain.errors import (
    AlreadySpeaking,
    HandNotRaised,
    NobodyWaiting,
    OnlyMembersTakeTurns,
    TurnInProgress,
)

# The room topic whose rooms hold Sharing Circles: turns are taken there, and Sharing Circle scripts are read there.
SHARING_CIRCLE_TOPIC = "sharing-circle"


@dataclasses.dataclass(eq=False)
class TurnQueue:
    """Who is waiting to share, in the order they raised their hands, and who has the turn now.

    The host may give the turn out of order by naming someone, but a hand keeps its place until it is
    lowered, given the turn or skipped; raising it again never sends anyone to the back.
    """

    room_slug: str
    hands: list[tuple[str, dt.datetime]] = dataclasses.field(default_factory=list)
    speaker_id: str | None = None
    speaker_since: dt.datetime | None = None

    def position(self, person_id: str) -> int | None:
        """1-based place in the queue, or None when their hand is not raised."""
        for index, (queued, _) in enumerate(self.hands):
            if queued == person_id:
                return index + 1
        return None

    def raise_hand(self, person_id: str, kind: str, now: dt.datetime) -> int:
        """Queues the person (once) and returns their 1-based place."""
        if kind != Kind.MEMBER:
            raise OnlyMembersTakeTurns(
                "only members take turns in the Sharing Circle; listeners and hosts hold the space"
            )
        if person_id == self.speaker_id:
            raise AlreadySpeaking("you have the turn now; end it before raising your hand again")
        place = self.position(person_id)
        if place is not None:
            return place
        self.hands.append((person_id, now))
        return len(self.hands)

    def lower_hand(self, person_id: str) -> bool:
        """Takes the person out of the queue; returns whether they were in it."""
        place = self.position(person_id)
        if place is None:
            return False
        del self.hands[place - 1]
        return True

    def _take(self, person_id: str | None) -> str:
        """Removes and returns the first in line, or the named person if their hand is raised."""
        if not self.hands:
            raise NobodyWaiting("nobody has raised a hand")
        if person_id is None:
            return self.hands.pop(0)[0]
        if not self.lower_hand(person_id):
            raise HandNotRaised("that person has not raised a hand; only someone waiting can be chosen")
        return person_id

    def give_turn(self, person_id: str | None = None, *, now: dt.datetime) -> str:
        """Gives the turn to the first in line once nobody has it, or to the named waiting person, ending any
        current turn. "Next" while someone speaks is refused: two hosts (or one host's double click) giving
        the next turn at once would otherwise end the turn just given, its speaker never heard."""
        if person_id is None and self.speaker_id is not None:
            raise TurnInProgress("someone has the turn now; end it first, or name who is next")
        speaker = self._take(person_id)
        self.speaker_id, self.speaker_since = speaker, now
        return speaker

    def skip(self, person_id: str | None = None) -> str:
        """Passes over the first in line (or the named person) without giving them the turn."""
        return self._take(person_id)

    def end_turn(self) -> str | None:
        """Ends the current turn; returns who had it (None when nobody did)."""
        speaker = self.speaker_id
        self.speaker_id, self.speaker_since = None, None
        return speaker

    def forget(self, person_id: str) -> bool:
        """Someone who left the room leaves the queue and loses the turn; returns whether anything changed."""
        changed = self.lower_hand(person_id)
        if person_id == self.speaker_id:
            self.end_turn()
            changed = True
        return changed
