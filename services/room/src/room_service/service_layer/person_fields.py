"""Service layer: who sees which field of a person in room's API (issue 17 §2), as data for the README and tests."""
from hearth_common.person_visibility import PersonFieldsTable, row

# Every API that returns a person (their id and username): as a member, an author, a mention, a hand in a queue.
PEOPLE = ("JoinRoom", "ListMembers", "PostMessage", "ListMessages", "Subscribe")

TABLE = PersonFieldsTable(
    service="room",
    rows=(
        row("person_id", PEOPLE),
        row("username", PEOPLE),
        row("kind", (), not_carried=True),
        row("cohort", (), not_carried=True),
        row("age", (), not_carried=True),
        row("date_of_birth", (), not_carried=True),
    ),
    footnote=(
        "\"shown\" is to whoever may read the room: its members and those the door lets in. A peer of the other "
        "cohort is refused the room whole (`PERMISSION_DENIED`; a stream: `FAILED_PRECONDITION`, join first; the "
        "same answer whoever is in it), so room never "
        "lists a teen to an adult peer; a peer of the same cohort sees co-members who by the wall share their "
        "cohort; a moderator or admin of the other cohort reads a room only with an audited cross-cohort grant "
        "(`GrantCohortAccess`), and a moderator of the room (or of its cohort) reads it as a member does. No API "
        "carries a person's kind, cohort, age or date of birth; the room's audience (public in `ListRooms`) says "
        "the cohort of the people it lists only to those who may read it. `@mentions` resolve to the people in "
        "the room at the time, never by cohort: a name left plain text says nothing of whose it is. A Sharing "
        "Circle's turn queue (`GetTurnQueue`, `RaiseHand`...) names people by id only, behind the same door. "
        "`GetHostingFigures` (the person and admins only) shows a quota that depends on the cohort, and "
        "`ListCohortGrants` (admins only) names staff allowed across: both are the person's own or an admin's view."
    ),
)
