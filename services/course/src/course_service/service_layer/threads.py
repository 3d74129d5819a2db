"""Service layer: course threads: learners' replies in a discussion (one thread per section), edits and deletions of
their own, @mentions, likes, "load more" pages, and removal by moderation or admins."""
from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from course_service.domain import errors, events
from course_service.domain.courses import ARCHIVED, check_course_slug, check_discussion_id
from course_service.domain.enrolments import SECTIONS, Enrolment
from course_service.domain.posts import LIKING, MENTIONS_MAX, POSTING, Post, check_body, mentioned_usernames, pace
from course_service.service_layer.lookups import course_of
from course_service.service_layer.ports import PersonalBlocks
from course_service.service_layer.unit_of_work import UnitOfWork
from course_service.service_layer.views import MentionsPage, PostView, ThreadPage
from hearth_common import blocks as personal_blocks
from hearth_common.clock import utcnow
from hearth_common.ids import new_id, parse_uuid

if TYPE_CHECKING:
    from course_service.service_layer.services import Caller

PAGE_SIZE = 20
PAGE_SIZE_MAX = 100
_CURSOR_PREFIX = "c1:"
CURSOR_MAX = 64


def encode_cursor(position: int) -> str:
    """An opaque cursor for a position (a thread's seq, a mention's number): callers pass it back unchanged."""
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{position}".encode()).decode().rstrip("=")


def decode_cursor(cursor: object, field: str = "cursor") -> int:
    """The position of a cursor this service returned; 0 for none (""); InvalidPost naming the field otherwise."""
    if cursor in (None, ""):
        return 0
    refusal = errors.InvalidPost(f"{field} must be a cursor a previous page returned (or empty for the first page)")
    if not isinstance(cursor, str) or len(cursor) > CURSOR_MAX:
        raise refusal
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise refusal from None
    if not text.startswith(_CURSOR_PREFIX) or not text[len(_CURSOR_PREFIX):].isdigit():
        raise refusal
    return int(text[len(_CURSOR_PREFIX):])


def check_page_size(value: object) -> int:
    if value in (None, 0):
        return PAGE_SIZE
    if not isinstance(value, int) or not 1 <= value <= PAGE_SIZE_MAX:
        raise errors.InvalidPost(f"page_size must be 1 to {PAGE_SIZE_MAX} (0 or unset: {PAGE_SIZE})")
    return value


class ThreadService:
    """The thread use cases. Sections: a learner reads and writes only the section of their enrolment; an admin
    reads either by naming it. A person's block (kept in room: `blocks`) refuses the blocked person's @mention of,
    reply to and like of the blocker, as room does in its rooms; a mute is room's alone (it hides messages from
    room's history and streams) and changes nothing here."""

    def __init__(self, uow_factory: Callable[..., UnitOfWork], clock: Callable[[], dt.datetime] = utcnow,
                 after_post_change: Callable[[UnitOfWork, str, str, dt.datetime], object] | None = None, *,
                 blocks: PersonalBlocks):
        self.uow_factory = uow_factory
        self.clock = clock
        self.blocks = blocks
        # Called in the transaction of a post created, edited or deleted (course, author, now): the progress
        # rules settle whether the course is complete (ProgressService.settle).
        self.after_post_change = after_post_change or (lambda uow, course_slug, person_id, now: None)

    # --- writing (enrolled learners) ------------------------------------------------------------------------

    def create_post(self, caller: Caller, course_slug: object, discussion_id: object, body: object,
                    parent_id: object = None) -> PostView:
        """A reply to the discussion's opening post (`parent_id` empty) or to another reply in the same
        discussion and section. @usernames of people in the same course and section become mentions. Refused
        (CannotReach) when someone it mentions or replies to blocked the caller."""
        text = check_body(body)
        parent = parse_uuid(parent_id, "parent_id", errors.InvalidPost) if parent_id not in (None, "") else None
        now = self.clock()
        with self.uow_factory() as uow:
            enrolment = self._writer(uow, caller, course_slug, discussion_id)
            discussion_id = check_discussion_id(discussion_id)
            if parent is not None:
                replied = uow.posts.get(parent)
                if replied is None or (replied.course_slug, replied.discussion_id, replied.section) != (
                        enrolment.course_slug, discussion_id, enrolment.section):
                    raise errors.PostNotFound(f"parent_id: no post {parent} in this discussion")
                if not replied.live:
                    raise errors.PostGone("parent_id: that post was deleted; reply to the discussion instead")
            self._pace(uow, caller.person_id, POSTING, now)
            mentions = self._mentions(uow, enrolment, caller.person_id, text)
            self._check_reach(caller.person_id, [*mentions, *([replied.author_id] if parent is not None else [])])
            post = Post.create(post_id=new_id(), course_slug=enrolment.course_slug, discussion_id=discussion_id,
                               section=enrolment.section, seq=0, author_id=caller.person_id, parent_id=parent,
                               body=text, mention_ids=mentions, now=now)
            uow.posts.add_numbered(post, events.post_created(post))  # seq, post, mentions, event: one write
            self.after_post_change(uow, post.course_slug, post.author_id, now)
            uow.commit()
            return PostView(post, liked=False)

    def edit_post(self, caller: Caller, post_id: object, body: object) -> PostView:
        """Refused (CannotReach) when someone the new text mentions, or the author of the post it replies to,
        blocked the caller (as room refuses an edit)."""
        text = check_body(body)
        now = self.clock()
        with self.uow_factory() as uow:
            post = self._own_post(uow, caller, post_id)
            enrolment = self._writer(uow, caller, post.course_slug, post.discussion_id)
            self._in_posts_section(post, enrolment, "edit")
            if not post.live:
                raise errors.PostGone("that post was deleted; it cannot be edited")
            if text == post.body:
                return PostView(post, liked=False)  # nothing changed: no event, no pace taken
            self._pace(uow, caller.person_id, POSTING, now)
            mentions = self._mentions(uow, enrolment, caller.person_id, text)
            replied = uow.posts.get(post.parent_id) if post.parent_id is not None else None
            self._check_reach(caller.person_id, [*mentions, *([replied.author_id] if replied is not None else [])])
            post.edit(text, mentions, now)
            uow.posts.save(post)
            uow.posts.set_mentions(post.id, mentions, now)
            uow.add_events([events.post_edited(post)])
            self.after_post_change(uow, post.course_slug, post.author_id, now)
            uow.commit()
            return PostView(post, liked=False)

    def delete_post(self, caller: Caller, post_id: object) -> PostView:
        """Deletes the caller's own post (idempotent). It stays in the thread as a "deleted" placeholder. Not
        paced: taking one's words back is never held up."""
        with self.uow_factory() as uow:
            post = self._own_post(uow, caller, post_id)
            self._in_posts_section(post, uow.enrolments.get(post.course_slug, caller.person_id), "delete")
            now = self.clock()
            if post.remove(caller.person_id, now, by_moderation=False):
                uow.posts.save(post)
                uow.add_events([events.post_removed(post)])
                self.after_post_change(uow, post.course_slug, post.author_id, now)
                uow.commit()
            return PostView(post, liked=False)

    # --- likes ----------------------------------------------------------------------------------------------

    def like_post(self, caller: Caller, post_id: object) -> PostView:
        return self._like(caller, post_id, on=True)

    def unlike_post(self, caller: Caller, post_id: object) -> PostView:
        return self._like(caller, post_id, on=False)

    def _like(self, caller: Caller, post_id: object, *, on: bool) -> PostView:
        """Likes or takes a like back, idempotently (a repeat changes nothing and is not paced). A like of the post
        of someone who blocked the caller is refused (CannotReach); taking a like back never is."""
        post_id = parse_uuid(post_id, "post_id", errors.InvalidPost)
        now = self.clock()
        with self.uow_factory() as uow:
            post = uow.posts.get(post_id, lock=True)  # serialises the count of the post's likes
            enrolment = uow.enrolments.get(post.course_slug, caller.person_id) if post is not None else None
            if post is None or enrolment is None or not enrolment.active or enrolment.section != post.section:
                raise errors.PostNotFound(f"post_id: no post {post_id} in a course section you are in")
            if post.author_id == caller.person_id:
                raise errors.OwnPost("you cannot like your own post")
            if on and not post.live:
                raise errors.PostGone("that post was deleted; it cannot be liked")
            if on:
                self._check_reach(caller.person_id, [post.author_id])
            changed = (uow.posts.like(post.id, caller.person_id, now) if on
                       else uow.posts.unlike(post.id, caller.person_id))
            if changed:
                self._pace(uow, caller.person_id, LIKING, now)
                post.likes += 1 if on else -1
                uow.posts.save(post)
                uow.commit()
            return PostView(post, liked=on)

    # --- reading ---------------------------------------------------------------------------------------------

    def list_posts(self, caller: Caller, course_slug: object, discussion_id: object, *, page_size: object = None,
                   cursor: object = "", section: object = "") -> ThreadPage:
        """A page of the thread oldest first: the first PAGE_SIZE, then the posts after the cursor. Seqs are
        gap-free and commit in order, so no post is returned twice or skipped while others post."""
        limit = check_page_size(page_size)
        after = decode_cursor(cursor)
        with self.uow_factory(single_statements=True) as uow:  # reads only: no transaction needed
            course_slug = check_course_slug(course_slug, "course_slug")
            discussion_id = check_discussion_id(discussion_id)
            reading = self._reading_section(uow, caller, course_slug, section)
            if uow.discussions.get(course_slug, discussion_id) is None:
                raise errors.DiscussionNotFound(f"the course {course_slug!r} has no discussion {discussion_id!r}")
            found = uow.posts.thread(course_slug, discussion_id, reading, after, limit + 1, caller.person_id)
            posts = found[:limit]
            last = posts[-1][0].seq if posts else after
            return ThreadPage(reading, tuple(PostView(p, liked) for p, liked in posts), encode_cursor(last),
                              len(found) > limit)

    def list_mentions(self, caller: Caller, *, page_size: object = None, cursor: object = "") -> MentionsPage:
        """The live posts that mention the caller, newest first: only those in the section of the caller's enrolment
        in each course (one who moved section no longer sees the posts of the section they left)."""
        limit = check_page_size(page_size)
        before = decode_cursor(cursor)
        with self.uow_factory(single_statements=True) as uow:  # reads only
            found = uow.posts.mentions_of(caller.person_id, before, limit + 1)
            page = found[:limit]
            liked = uow.posts.liked([p.id for _, p in page], caller.person_id)
            more = len(found) > limit
            return MentionsPage(tuple(PostView(p, p.id in liked) for _, p in page),
                                encode_cursor(page[-1][0]) if more else "")

    # --- removal (moderation, admins) -----------------------------------------------------------------------

    def remove_post(self, post_id: object, moderator_id: str, reason: object = "") -> PostView:
        """Moderation's removal (course's remove_post RPC), idempotent: a post already taken down stays as it
        was and nothing is sent again. PostNotFound for an unknown id."""
        post_id = parse_uuid(post_id, "post_id", errors.InvalidPost)
        with self.uow_factory() as uow:
            post = uow.posts.get(post_id, lock=True)
            if post is None:
                raise errors.PostNotFound(f"no post {post_id}")
            if post.remove(moderator_id, self.clock(), by_moderation=True, reason=reason):
                uow.posts.save(post)
                uow.add_events([events.post_removed(post)])
                uow.commit()
            return PostView(post, liked=False)

    def remove_post_as_admin(self, caller: Caller, post_id: object, reason: object = "") -> PostView:
        if not caller.admin:
            raise errors.AdminsOnly("only admins and moderation remove posts")
        return self.remove_post(post_id, caller.person_id, reason)

    # --- helpers --------------------------------------------------------------------------------------------

    @staticmethod
    def _writer(uow: UnitOfWork, caller: Caller, course_slug: object, discussion_id: object) -> Enrolment:
        """The caller's active enrolment in a course whose discussion exists and takes posts."""
        course = course_of(uow, course_slug)
        slug = course.slug
        discussion_id = check_discussion_id(discussion_id)
        enrolment = uow.enrolments.get(slug, caller.person_id)
        if enrolment is None or not enrolment.active:
            raise errors.NotInCourse(f"enrol in {course.title!r} to post in its discussions")
        if uow.discussions.get(slug, discussion_id) is None:
            raise errors.DiscussionNotFound(f"the course {slug!r} has no discussion {discussion_id!r}")
        if course.status == ARCHIVED:
            raise errors.PostGone(f"the course {course.title!r} is archived: its discussions are read-only")
        return enrolment

    @staticmethod
    def _own_post(uow: UnitOfWork, caller: Caller, post_id: object) -> Post:
        post_id = parse_uuid(post_id, "post_id", errors.InvalidPost)
        post = uow.posts.get(post_id, lock=True)
        if post is None:
            raise errors.PostNotFound(f"post_id: no post {post_id}")
        if post.author_id != caller.person_id:
            raise errors.NotYourPost("you can edit or delete only your own posts")
        return post

    @staticmethod
    def _in_posts_section(post: Post, enrolment: Enrolment | None, action: str) -> None:
        """An author changes a post only from the section it is in: one who moved section (they turned 18) must
        not write into the section they left, nor mention its new readers from an old post."""
        if enrolment is None:
            raise errors.NotInSection(f"you can no longer {action} this post: you are not enrolled in its course")
        if enrolment.section != post.section:
            raise errors.NotInSection(
                f"you can no longer {action} this post: it is in the {post.section} section of the course and you "
                f"are now in the {enrolment.section} section")

    @staticmethod
    def _reading_section(uow: UnitOfWork, caller: Caller, course_slug: str, section: object) -> str:
        """The section the caller reads: a learner's enrolment's (withdrawn learners still read it); an admin
        names one (or reads their own enrolment's)."""
        if section not in (None, "") and section not in SECTIONS:
            raise errors.InvalidPost(f"section must be one of {', '.join(SECTIONS)} (or empty)")
        course_of(uow, course_slug)
        enrolment = uow.enrolments.get(course_slug, caller.person_id)
        if caller.admin:
            if section:
                return section
            if enrolment is None:
                raise errors.InvalidPost(f"section is required for an admin not enrolled: "
                                         f"{' or '.join(SECTIONS)}")
            return enrolment.section
        if enrolment is None:
            raise errors.NotInCourse("enrol in the course to read its discussions")
        if section and section != enrolment.section:
            raise errors.NotInCourse("you read only the discussions of your own section")
        return enrolment.section

    def _check_reach(self, author_id: str, reached: list[str]) -> None:
        """Refuses (CannotReach, saying no more) a post or like that reaches someone who blocked its author, asking
        room only when it reaches anyone. Room unreachable raises its ConnectionError: the call is refused
        (UNAVAILABLE, retry), never let through unchecked; the caller's transaction writes nothing either way."""
        reached = [person_id for person_id in dict.fromkeys(reached) if person_id != author_id]
        if reached:
            personal_blocks.check_may_reach(author_id, self.blocks.blockers_of(author_id, reached), reached,
                                            errors.CannotReach)

    @staticmethod
    def _mentions(uow: UnitOfWork, enrolment: Enrolment, author_id: str, body: str) -> list[str]:
        """The people @mentioned in the text who are in the author's course section (others stay plain text),
        in order of mention, without the author."""
        mentions = mentioned_usernames(body)
        names = sorted({name for candidates in mentions for name in candidates})
        found = uow.enrolments.members_named(enrolment.course_slug, enrolment.section, names)
        ids: list[str] = []
        for candidates in mentions:
            person_id = next((found[name] for name in candidates if name in found), None)
            if person_id is not None and person_id != author_id and person_id not in ids:
                ids.append(person_id)
        return ids[:MENTIONS_MAX]

    @staticmethod
    def _pace(uow: UnitOfWork, person_id: str, action: str, now: dt.datetime) -> None:
        uow.paces.set_due(person_id, action, pace(action, uow.paces.due(person_id, action), now))
