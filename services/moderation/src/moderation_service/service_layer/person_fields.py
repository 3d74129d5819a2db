"""Service layer: who sees which field of a person in moderation's API (issue 17 §2), as data for the README and
tests."""
from hearth_common.person_visibility import PEER, SELF, PersonFieldsTable, row

# A case's subject (person_id, username, kind, cohort): only to those who may act on the case.
CASES = ("ListQueue", "GetCase", "DecideCase")
# A report as its reporter sees it names only the person reported (subject_id), whom the reporter saw.
REPORTS = ("ReportMessage", "ReportPerson")  # ReportCoursePost's report has the same shape
# A page (its subject and its room's cohort): to the moderators it was sent to, and admins.
PAGES = ("ListPages", "StreamPages")

TABLE = PersonFieldsTable(
    service="moderation",
    rows=(
        row("subject.person_id", CASES, refused_to=(PEER, SELF)),
        row("subject.username", CASES, refused_to=(PEER, SELF)),
        row("subject.kind", CASES, refused_to=(PEER, SELF)),
        row("subject.cohort", CASES, refused_to=(PEER, SELF)),
        row("report.reporter_id", "GetCase", refused_to=(PEER, SELF)),
        row("report.subject_id", REPORTS, refused_to=(SELF,)),  # nobody reports themselves
        row("shift.moderator_id", "ListOnDuty", hidden_from=(PEER,)),
        row("shift.username", "ListOnDuty", hidden_from=(PEER,)),
        row("shift.cohort", "ListOnDuty", hidden_from=(PEER,)),
        row("page.subject_id", PAGES, refused_to=(SELF,), hidden_from=(PEER,)),
        row("page.cohort", PAGES, refused_to=(SELF,), hidden_from=(PEER,)),
        row("record.person_id", "GetRecord", refused_to=(SELF,), hidden_from=(PEER,)),
        row("appeal.person_id", "ListAppeals", hidden_from=(PEER,)),
        row("audit.target_id", "ListAuditLog", refused_to=(SELF,), hidden_from=(PEER,)),
        row("age", (), not_carried=True),
        row("date_of_birth", (), not_carried=True),
    ),
    footnote=(
        "\"moderator\" is one who may act on the case: a chat room moderator of a room its reports are about (or "
        "of every room of that room's cohort; course posts' cases: of the section's cohort), which the person was "
        "in or posted in; the case's cohort is then the room's, which the moderator knows already. Everyone else "
        "is refused the case APIs whole (`PERMISSION_DENIED`), the person it is about included (\"self\": a person "
        "sees their own cohort from identity, never moderation's case about them); the reporter (`reporter_id`) "
        "is named to moderators only. A reporter's `Report` names only the person reported. \"hidden\": the "
        "caller is refused or answered nothing about the person, as for a person moderation does not know: "
        "`ListOnDuty` shows an admin every shift and a chat room moderator only the shifts of their own cohort "
        "(a chat room moderator's shift is of their own cohort, so a moderator of the other cohort, a \"peer\" "
        "here, never sees it; members are refused); pages reach the moderators they were sent to (`ListPages` "
        "shows an admin every page); `GetRecord` is a cohort moderator's or an admin's, and a moderator of the "
        "other cohort gets exactly the `NOT_FOUND` an unknown person id gets, so a refusal never tells them that "
        "a person is a teen; `ListAppeals` shows a person their own appeals and a moderator those they may "
        "decide; `ListAuditLog` is read by admins and by moderators for their rooms or their own actions. The "
        "sanctions and warnings calls are a cohort moderator's or an admin's (\"only admins act across cohorts\"): "
        "those naming a person by id (`IssueWarning`, `ImposeSanction`, `KickPerson`, `MuteExchange`) answer a "
        "moderator who may act there but not across cohorts exactly as `GetRecord` does, the `NOT_FOUND` of an "
        "unknown person id, a moderator holding a cross-cohort grant for a room included when they name the "
        "person outside it (the issue is silent; the teen's side). Those naming a warning, sanction, message or "
        "appeal by its own id (`VoidWarning`, `LiftSanction`, `RemoveMessage`, `DecideAppeal`) answer a moderator "
        "who may do this somewhere, refused an item whose person is of the other cohort (in its room or, as the "
        "room would tell its cohort, because they may not act there), exactly as for an id that does not exist "
        "(the same `NOT_FOUND` and message, but for the id), so holding a teen's item tells an adult moderator "
        "nothing (the issue is silent; the teen's side). Their refusals about oneself or an admin, or about an "
        "item of one's own cohort, tell no cohort and stay `PERMISSION_DENIED`. No API carries an age or a date "
        "of birth."
    ),
)
