"""Service layer: who sees which field of a person in room's API (issue 17 §2), as data for the README and tests."""
from hearth_common.person_visibility import MODERATOR, PEER, SELF, PersonFieldsTable, row

# Every API that returns a person by id and username, behind the room's door: as a member, an author, a mention.
PEOPLE = ("JoinRoom", "ListMembers", "PostMessage", "ListMessages", "Subscribe")
# A Sharing Circle's turn queue names people by id only (a raised hand, the speaker), behind the same door.
HANDS = ("RaiseHand", "GetTurnQueue")
# A support session names its leader by id, behind the same door (ListSessions of a room the caller may enter).
SESSIONS = ("StartUnplannedSession", "ListSessions")
# A person's own mute and block list names the people on it (whom its owner named).
FILTERS = ("SetPersonalFilter", "ListPersonalFilters")
# The audit list of cross-cohort grants names the staff member let across and the admin who let them.
GRANTS = ("ListCohortGrants",)
# A leader's hosting figures: whose, and a quota that depends on their cohort and kind.
FIGURES = ("GetHostingFigures",)

TABLE = PersonFieldsTable(
    service="room",
    rows=(
        row("person_id", PEOPLE),
        row("username", PEOPLE),
        row("hand.person_id", HANDS),
        row("session.leader_id", SESSIONS),
        row("filter.person_id", FILTERS, refused_to=(SELF,)),
        row("filter.username", FILTERS, refused_to=(SELF,)),
        row("grant.person_id", GRANTS, refused_to=(PEER, SELF, MODERATOR)),
        row("grant.granted_by", GRANTS, refused_to=(PEER, SELF, MODERATOR)),
        row("figures.person_id", FIGURES, refused_to=(PEER, MODERATOR)),
        row("figures.quota_minutes", FIGURES, refused_to=(PEER, MODERATOR)),
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
        "Circle's turn queue (`hand.`: a raised hand or the speaker) and a support session's leader (`session.`) "
        "are named by id only, behind the same door. `filter.` is a person on someone's own mute and block list: "
        "its owner named them and may name anyone room knows, whatever their cohort, with the same answers for a "
        "teen as for an adult (nobody names themselves: `INVALID_ARGUMENT`, and their list never holds them); "
        "across the wall a filter hides nothing. `grant.` is the staff member a cross-cohort grant lets across and "
        "the admin who granted it, in `ListCohortGrants`, admins only (\"self\" is the staff member). `figures.` "
        "is `GetHostingFigures`, the person's own or an admin's: its quota depends on the person's cohort and kind."
    ),
)
