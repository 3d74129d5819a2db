"""Integration: course threads on the real PostgreSQL: posts round-trip, thread seqs are gap-free per section,
likes and mentions are stored once, the words requirements read, and "load more" stays exact while several
writers post at once (every reply is read exactly once, in seq order)."""
import datetime as dt
import itertools
import threading

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from course_world import QUESTION_POST, FakeBlocks, World

from course_service.adapters import orm
from course_service.adapters.certificates import Ed25519Signer
from course_service.adapters.repository import uow_factory
from course_service.domain import events
from course_service.domain.posts import ONE_POST, Post
from course_service.migrations import runner
from course_service.service_layer.services import CourseService
from hearth_common import errors
from hearth_common.clock import utcnow
from hearth_common.contracts import identity as identity_contract
from hearth_common.unit_of_work import UniqueViolation

COURSE, DISCUSSION = "group-dynamics", "intro"


class TickingClock:
    """A clock that moves on ten seconds at every call (thread-safe), so posting is never paced here."""

    def __init__(self):
        self.start, self.ticks, self.lock = utcnow(), itertools.count(), threading.Lock()

    def __call__(self) -> dt.datetime:
        with self.lock:
            return self.start + dt.timedelta(seconds=10 * next(self.ticks))


@pytest.fixture(params=["transactional", "autocommit"])
def uows(request, clean_engine, course_autocommit_engine):
    """Each test twice: on the workers' engine, and on course-grpc's (autocommit: BEGIN with the first statement)."""
    return uow_factory(course_autocommit_engine if request.param == "autocommit" else clean_engine)


@pytest.fixture
def service(uows):
    return CourseService(uows, Ed25519Signer.generate(), clock=TickingClock(), blocks=FakeBlocks())


@pytest.fixture
def world(service):
    return World(service, service.clock)


@pytest.fixture
def course(service, world):
    admin = world.admin()
    service.create_course(admin, slug=COURSE, title="Group Dynamics Course", status="published")
    for discussion_id in (DISCUSSION, "building"):
        service.add_discussion(admin, COURSE, discussion_id=discussion_id, title="T", opening_post=QUESTION_POST)
    return COURSE


def learner(service, world, username, cohort="adult"):
    caller = world.person(username, cohort=cohort)
    service.enrol(caller, COURSE)
    return caller


def test_a_post_round_trips_and_its_id_is_unique(service, world, course, uows):
    ada = learner(service, world, "ada")
    bob = learner(service, world, "bob")
    view = service.threads.create_post(ada, COURSE, DISCUSSION, "Hello @bob, how are you?")
    with uows() as uow:
        stored = uow.posts.get(view.post.id)
        assert stored == view.post
        assert stored.mention_ids == [bob.person_id] and stored.words == 5
        with pytest.raises(UniqueViolation) as clash:
            uow.posts.add(Post(**{**stored.__dict__, "seq": 99}))
        assert clash.value.constraint == ONE_POST


def test_seqs_are_gap_free_per_thread_and_section(service, world, course, uows):
    ada, tia = learner(service, world, "ada"), learner(service, world, "tia", "teen")
    seqs = [service.threads.create_post(ada, COURSE, DISCUSSION, f"a{n}").post.seq for n in range(3)]
    seqs += [service.threads.create_post(tia, COURSE, DISCUSSION, "t").post.seq]
    seqs += [service.threads.create_post(ada, COURSE, "building", "b").post.seq]
    assert seqs == [1, 2, 3, 1, 1]
    with uows() as uow:
        assert [p.seq for p, _ in uow.posts.thread(COURSE, DISCUSSION, "adult", 1, 10)] == [2, 3]
        assert [p.section for p, _ in uow.posts.thread(COURSE, DISCUSSION, "teen", 0, 10)] == ["teen"]


def test_a_reply_is_stored_with_its_mentions_in_order_and_its_event_or_not_at_all(service, world, course, uows):
    """add_numbered's one statement: the seq, the post, its mentions (numbered in order of mention) and the
    post_created outbox row commit together; a unit left without commit leaves none of them, nor a seq taken."""
    ada, bob, cleo = (learner(service, world, name) for name in ("ada", "bob", "cleo"))
    post = service.threads.create_post(ada, COURSE, DISCUSSION, "Thanks @cleo and @bob").post
    with uows() as uow:
        assert uow.posts.get(post.id) == post and post.seq == 1
        assert uow.posts.mentions_of(cleo.person_id, 0, 10)[0][0] < uow.posts.mentions_of(bob.person_id, 0, 10)[0][0]
        rows = uow.connection.execute(sa.select(orm.outbox.c.event_type, orm.outbox.c.payload)
                                      .where(orm.outbox.c.event_type == "course_post_created")).all()
        assert [row.payload["data"]["post_id"] for row in rows] == [post.id]
    draft = Post.create(post_id="a0a0a0a0-0000-4000-8000-000000000001", course_slug=COURSE, discussion_id=DISCUSSION,
                        section="adult", seq=0, author_id=ada.person_id, parent_id=None, body="never committed",
                        mention_ids=[bob.person_id], now=utcnow())
    with uows() as uow:
        uow.posts.add_numbered(draft, events.post_created(draft))
        assert draft.seq == 2  # and not committed
    with uows() as uow:
        assert uow.posts.get(draft.id) is None and uow.posts.next_seq(COURSE, DISCUSSION, "adult") == 2
        assert uow.connection.execute(sa.select(sa.func.count()).select_from(orm.outbox)
                                      .where(orm.outbox.c.event_type == "course_post_created")).scalar_one() == 1


def test_likes_and_mentions_are_stored_once(service, world, course, uows):
    ada, bob = learner(service, world, "ada"), learner(service, world, "bob")
    post = service.threads.create_post(ada, COURSE, DISCUSSION, "For @bob and @BOB").post
    service.threads.like_post(bob, post.id)
    assert service.threads.like_post(bob, post.id).post.likes == 1
    with uows() as uow:
        assert uow.posts.get(post.id).likes == 1
        assert uow.posts.liked([post.id], bob.person_id) == {post.id}
        assert uow.posts.thread(COURSE, DISCUSSION, "adult", 0, 10, bob.person_id) == [(uow.posts.get(post.id), True)]
        assert [liked for _, liked in uow.posts.thread(COURSE, DISCUSSION, "adult", 0, 10, ada.person_id)] == [False]
        assert [(n > 0, p.id) for n, p in uow.posts.mentions_of(bob.person_id, 0, 10)] == [(True, post.id)]
        assert uow.enrolments.members_named(COURSE, "adult", ["bob", "nobody"]) == {"bob": bob.person_id}
        assert uow.enrolments.members_named(COURSE, "teen", ["bob"]) == {}
    service.threads.unlike_post(bob, post.id)
    service.threads.edit_post(ada, post.id, "No mention any more")
    with uows() as uow:
        assert uow.posts.get(post.id).likes == 0
        assert uow.posts.mentions_of(bob.person_id, 0, 10) == []


def test_a_learner_who_turned_18_neither_writes_nor_mentions_into_the_teen_section(service, world, course, uows):
    """The reviewer's scenario on PostgreSQL: a teen posts, turns 18 (their enrolment moves to the adult section),
    and cannot edit the old teen post to mention an adult; a mention row left in another section is not listed."""
    sam, tia, ada = (learner(service, world, "sam", "teen"), learner(service, world, "tia", "teen"),
                     learner(service, world, "ada"))
    old = service.threads.create_post(sam, COURSE, DISCUSSION, "hello teens, hi @tia").post
    world.deliver(identity_contract.CohortChanged(person_id=sam.person_id, previous_cohort="teen", cohort="adult"))
    with uows() as uow:
        assert uow.enrolments.get(COURSE, sam.person_id).section == "adult"
    with pytest.raises(errors.PermissionDenied, match="now in the adult section"):
        service.threads.edit_post(sam, old.id, "hello teens, see @ada")
    with pytest.raises(errors.PermissionDenied):
        service.threads.delete_post(sam, old.id)
    with uows() as uow:
        assert uow.posts.mentions_of(ada.person_id, 0, 10) == []
        assert [p.id for _, p in uow.posts.mentions_of(tia.person_id, 0, 10)] == [old.id]
        # Defence in depth: a mention in a section the reader is not in is never listed.
        uow.posts.set_mentions(old.id, [tia.person_id, ada.person_id], utcnow())
        assert uow.posts.mentions_of(ada.person_id, 0, 10) == []
        uow.commit()
    world.deliver(identity_contract.CohortChanged(person_id=tia.person_id, previous_cohort="teen", cohort="adult"))
    with uows() as uow:
        assert uow.posts.mentions_of(tia.person_id, 0, 10) == []
        assert uow.posts.reply_words_by_discussion(COURSE, sam.person_id) == {DISCUSSION: 4}


def test_reply_words_by_discussion_counts_live_posts_only(service, world, course, uows):
    ada = learner(service, world, "ada")
    service.threads.create_post(ada, COURSE, DISCUSSION, "one two")
    longest = service.threads.create_post(ada, COURSE, DISCUSSION, "one two three four").post
    service.threads.create_post(ada, COURSE, "building", "one two three")
    with uows() as uow:
        assert uow.posts.reply_words_by_discussion(COURSE, ada.person_id) == {DISCUSSION: 4, "building": 3}
    service.threads.delete_post(ada, longest.id)
    with uows() as uow:
        assert uow.posts.reply_words_by_discussion(COURSE, ada.person_id) == {DISCUSSION: 2, "building": 3}
        assert uow.posts.reply_words_by_discussion(COURSE, "someone-else") == {}


def test_paces_are_kept_per_person_and_action(uows):
    due = utcnow()
    with uows() as uow:
        assert uow.paces.due("p1", "post") is None
        uow.paces.set_due("p1", "post", due)
        uow.commit()
    with uows() as uow:
        assert uow.paces.due("p1", "post") == due
        assert uow.paces.due("p1", "like") is None


def test_load_more_returns_every_reply_exactly_once_while_others_post(service, world, course):
    writers = [learner(service, world, f"writer{n}") for n in range(6)]
    reader = learner(service, world, "reader")
    per_writer = 15
    posted: list[str] = []
    failures: list[BaseException] = []

    def write(caller):
        try:
            for n in range(per_writer):
                posted.append(service.threads.create_post(caller, COURSE, DISCUSSION, f"reply {n}").post.id)
        except BaseException as exc:  # surfaced below: a writer's failure must fail the test
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in writers]
    for t in threads:
        t.start()
    seen: list[tuple[int, str]] = []
    cursor = ""
    while True:
        writing = any(t.is_alive() for t in threads)
        page = service.threads.list_posts(reader, COURSE, DISCUSSION, page_size=4, cursor=cursor)
        seen += [(v.post.seq, v.post.id) for v in page.posts]
        cursor = page.cursor
        if not writing and not page.more:
            break
    for t in threads:
        t.join()
    assert failures == []
    total = len(writers) * per_writer
    assert [seq for seq, _ in seen] == list(range(1, total + 1))
    assert sorted(post_id for _, post_id in seen) == sorted(posted)


def test_the_migrations_match_the_tables_and_0002_goes_down_and_up(course_db_url):
    """The migrated schema (0001 and the posts' 0002) is what adapters/orm.py declares."""
    engine = sa.create_engine(course_db_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"version_table": "alembic_version_course"})
            assert compare_metadata(context, orm.metadata) == []
        runner.downgrade(course_db_url, "0001")
        with engine.connect() as conn:
            assert not {"posts", "thread_seqs", "post_likes", "post_mentions", "paces"} & set(
                sa.inspect(conn).get_table_names())
    finally:
        runner.upgrade(course_db_url)
        engine.dispose()
