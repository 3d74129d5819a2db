"""Service layer: who sees which field of a person in course's API (issue 17 §2), as data for the README and tests.

Course has no rooms: the staff duty it knows about a learner is their assigned mentor's (an admin assigns one per
learner and course), so its "moderator" column is the learner's mentor."""
from hearth_common.person_visibility import MODERATOR, PEER, PersonFieldsTable, row

TABLE = PersonFieldsTable(
    service="course",
    rows=(
        # A learner's progress names their section (= their cohort when they enrolled).
        row("progress.person_id", ("GetProgress",), refused_to=(PEER,)),
        row("progress.section", ("GetProgress",), refused_to=(PEER,)),
        # A completion names the learner's username and section.
        row("completion.username", ("ListCompletions",), refused_to=(PEER, MODERATOR)),
        row("completion.section", ("ListCompletions",), refused_to=(PEER, MODERATOR)),
        # A certificate anyone with a token may check names its holder's username, never their section or id.
        row("certificate.username", ("VerifyCertificate",)),
        row("certificate.section", (), not_carried=True),
        row("age", (), not_carried=True),
        row("date_of_birth", (), not_carried=True),
    ),
    footnote=(
        "the \"moderator\" column is the learner's assigned mentor (course has no rooms; `AssignMentor`, admins "
        "only). A peer asking for another's progress or completions is refused (`PERMISSION_DENIED`, the same "
        "whatever the learner's section). Threads need no column of their own: `ListPosts`, `ListMentions` and a "
        "post's `author_id` show a learner only to their own section (peers of the same cohort) and to admins "
        "who name a section; `@mentions` resolve only to people enrolled in the author's section, so a name left "
        "plain text does not tell a teen from an adult who is not in the course. `ListMentorQueue` shows a "
        "mentor the usernames of their own learners only. `VerifyCertificate` never carries the holder's section "
        "or person id."
    ),
)
