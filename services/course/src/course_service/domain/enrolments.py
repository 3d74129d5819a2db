"""Domain: enrolments: a learner in a course, in the section of their age cohort (moved when the cohort changes)."""
from __future__ import annotations

import dataclasses
import datetime as dt

from hearth_common.vocabulary import Cohort, values

# Every course runs one section per age cohort: teens and adults never see each other's posts.
SECTIONS: tuple[str, ...] = values(Cohort)
ACTIVE, WITHDRAWN = "active", "withdrawn"


@dataclasses.dataclass
class Enrolment:
    course_slug: str
    person_id: str
    section: str
    status: str
    enrolled_at: dt.datetime
    withdrawn_at: dt.datetime | None = None

    @property
    def active(self) -> bool:
        return self.status == ACTIVE

    def withdraw(self, now: dt.datetime) -> bool:
        """Withdraws; returns whether anything changed (withdrawing twice changes nothing)."""
        if not self.active:
            return False
        self.status, self.withdrawn_at = WITHDRAWN, now
        return True

    def rejoin(self, section: str, now: dt.datetime) -> None:
        """Enrols again after a withdrawal, in the section of the learner's cohort now."""
        self.status, self.section, self.enrolled_at, self.withdrawn_at = ACTIVE, section, now, None

    def move_to(self, section: str) -> bool:
        """Moves an enrolment, active or withdrawn, to the section of the learner's new cohort; returns whether
        anything changed. A withdrawn one moves too: withdrawn learners still read their section's threads and
        mentions, and a teen who withdrew and turned 18 must not read the teens' (issue 17)."""
        if self.section == section:
            return False
        self.section = section
        return True
