"""Service layer: who sees which field of a person in moderation's API (issue 17 §2), as data for the README and
tests."""
from hearth_common.person_visibility import PEER, SELF, PersonFieldsTable, row

# A case's subject (person_id, username, kind, cohort): only to those who may act on the case.
CASES = ("ListQueue", "GetCase", "DecideCase")
# A report as its reporter sees it names only the person reported (subject_id), whom the reporter saw.
REPORTS = ("ReportMessage", "ReportPerson")  # ReportCoursePost's report has the same shape

TABLE = PersonFieldsTable(
    service="moderation",
    rows=(
        row("subject.person_id", CASES, refused_to=(PEER, SELF)),
        row("subject.username", CASES, refused_to=(PEER, SELF)),
        row("subject.kind", CASES, refused_to=(PEER, SELF)),
        row("subject.cohort", CASES, refused_to=(PEER, SELF)),
        row("report.subject_id", REPORTS, refused_to=(SELF,)),  # nobody reports themselves
        row("age", (), not_carried=True),
        row("date_of_birth", (), not_carried=True),
    ),
    footnote=(
        "\"moderator\" is one who may act on the case: a chat room moderator of a room its reports are about (or "
        "of every room of that room's cohort; course posts' cases: of the section's cohort), which the person was "
        "in or posted in; the case's cohort is then the room's, which the moderator knows already. Everyone else "
        "is refused the case APIs whole (`PERMISSION_DENIED`), the person it is about included (\"self\": a person "
        "sees their own cohort from identity, never moderation's case about them). A reporter's `Report` names "
        "only the person reported. `GetRecord`, the sanctions and warnings calls are a cohort moderator's or an "
        "admin's (\"only admins act across cohorts\"): by design their refusal tells a moderator that a person "
        "is outside the cohort they moderate, to staff only. `ListOnDuty`'s shifts carry the cohort a shift "
        "covers (a duty, not the moderator's age) and pages carry their room's cohort, to moderators and admins "
        "only. No API carries an age or a date of birth."
    ),
)
