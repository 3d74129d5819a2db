"""Service layer: who sees which field of a person in course's API (issue 17 §2), as data for the README and tests.

Course has no rooms: the staff duty it knows about a learner is their assigned mentor's (an admin assigns one per
learner and course, of the learner's section or a moderator of every room or an admin: domain.completions.
may_mentor), so its "moderator" column is the learner's mentor."""
from hearth_common.person_visibility import ADMIN, MODERATOR, PEER, SELF, PersonFieldsTable, row

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
        # A thread's posts name their author, the people they mention and the thread's section: read by the
        # learners of that section (a peer of the other section never gets them) and by admins naming it.
        row("post.author_id", ("ListPosts",), refused_to=(MODERATOR,)),
        row("post.mention_ids", ("ListPosts",), refused_to=(MODERATOR,)),
        row("post.section", ("ListPosts",), refused_to=(MODERATOR,)),
        # The caller's own mentions: the posts of people of their section who mentioned them.
        row("mention.author_id", ("ListMentions",), hidden_from=(SELF, MODERATOR, ADMIN)),
        row("mention.section", ("ListMentions",), hidden_from=(SELF, MODERATOR, ADMIN)),
        # The caller's own queue of practicums to review: their learners only.
        row("mentor_queue.person_id", ("ListMentorQueue",), hidden_from=(PEER, SELF, ADMIN)),
        row("mentor_queue.username", ("ListMentorQueue",), hidden_from=(PEER, SELF, ADMIN)),
        # Assigning a mentor (admins): the learner and the mentor.
        row("mentorship.person_id", ("AssignMentor",), refused_to=(PEER, SELF, MODERATOR)),
        row("mentorship.mentor_id", ("AssignMentor",), refused_to=(PEER, SELF, MODERATOR)),
        # Reviewing a practicum (the assigned mentor alone): the learner they named.
        row("review.person_id", ("ReviewPracticum",), refused_to=(PEER, SELF, ADMIN)),
        row("certificate.section", (), not_carried=True),
        row("age", (), not_carried=True),
        row("date_of_birth", (), not_carried=True),
    ),
    footnote=(
        "the \"moderator\" column is the learner's assigned mentor (course has no rooms; `AssignMentor`, admins "
        "only; a mentor is of the learner's section or a moderator of every room or an admin, asked again at "
        "every read: see Who may mentor). A peer asking for another's progress or completions is refused "
        "(`PERMISSION_DENIED`, the same whatever the learner's section). \"peer\" in the thread rows is a peer "
        "of the learner's section: a peer of the other section never gets the learner's posts or mentions (they "
        "are not in their thread, and naming the other section is `PERMISSION_DENIED`, the same whoever is in "
        "it), so `post.section` and `mention.section` shown to a peer are always the peer's own section and tell "
        "them nothing of the author they did not know. `ListPosts` is refused to a mentor who is not enrolled "
        "(reading is for the section's learners and admins); `@mentions` resolve only to people enrolled in the "
        "author's section, so a name left plain text does not tell a teen from an adult who is not in the "
        "course. `ListMentions` and `ListMentorQueue` list the caller's own (their mentions; their learners): "
        "\"hidden\" there means the learner is not in the caller's list. `ReviewPracticum` answers only the "
        "assigned mentor (admins too are refused: they assign another mentor). `VerifyCertificate` never "
        "carries the holder's section or person id."
    ),
)
