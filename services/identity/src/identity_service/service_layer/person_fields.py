"""Service layer: who sees which field of a person in identity's API (issue 17 §2), as data for the README and tests."""
from hearth_common.person_visibility import MODERATOR, PEER, PersonFieldsTable, row

LOOKUPS = ("GetPerson",)
OWN = ("Register", "Login")  # the caller is always the person: self

TABLE = PersonFieldsTable(
    service="identity",
    rows=(
        row("id", LOOKUPS + OWN),
        row("username", LOOKUPS + OWN),
        row("kind", LOOKUPS + OWN),
        row("registered_at", LOOKUPS + OWN),
        # Identity does not know who is in which room, so a moderator is a peer here (see the footnote).
        row("cohort", LOOKUPS + OWN, hidden_from=(PEER, MODERATOR)),
        # A grant limited to one room names the room (e.g. a teen room): left out of the list for peers.
        row("room_scoped_grants", ("ListRoles",), hidden_from=(PEER, MODERATOR)),
        # The badges a person holds now (each award: the badge, who awarded it, why, when), shown to everyone.
        row("badges", ("ListPersonBadges",)),
        row("date_of_birth", (), not_carried=True),
    ),
    footnote=(
        "identity does not know which rooms a person is in, so a chat room moderator sees here what a peer sees; "
        "room's member lists and moderation's cases show moderators the cohort their duty needs. A hidden cohort "
        "is `COHORT_UNSPECIFIED`, never a default that reads as adult, and `GetPerson` answers and fails alike "
        "whatever the person's age (an unknown id or username is NOT_FOUND for everyone). The date of birth is "
        "taken at registration and never returned, not even to the person. `ListRoles` shows everyone a "
        "person's grants for every room, and their grants limited to one room (which name it) only to the person "
        "and admins. `ListPersonBadges` shows everyone the badges a person holds (badges are shown to be seen, and "
        "room locks ask for them): an award carries no cohort or age, and answers alike for a teen and an adult "
        "holding the same badges. A badge can be a weak hint, never a cohort: `teen-safety-trained` is earned by "
        "completing a course open to both cohorts (each in its own section; the award's reason names the course, "
        "never the section `course_completed` carries). Admins write the reason of the "
        "badges they award by hand: it is shown to everyone, so it must not say a person's age or cohort."
    ),
)
