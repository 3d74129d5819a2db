"""Integration: personal mute and block on the real PostgreSQL: the history's pages without the reader's muted
and blocked people (full pages, cursors that walk every visible message once), a block's refusals, the list."""
import datetime as dt
import types

import pytest
import sqlalchemy as sa
from room_integration_helpers import Clock, register

from room_service.adapters import orm
from room_service.adapters.repository import uow_factory
from room_service.domain import errors
from room_service.domain import filters as flt
from room_service.domain.filters import PersonalFilter
from room_service.service_layer.conversation import Conversation

LOUNGE = "adult-community-lounge"


@pytest.fixture
def w(rooms, room_engine):
    clock = Clock()
    conv = Conversation(uow_factory(room_engine), clock=clock, live=[].extend)
    people = {name: register(rooms, username=name) for name in ("sam", "kim", "lee")}
    for person_id in people.values():
        conv.join(person_id, LOUNGE)
    return types.SimpleNamespace(conv=conv, clock=clock, engine=room_engine, **people)


def walk_back(conv, person_id, limit):
    """Every message the person sees, by "load more" pages, oldest first; and the pages' sizes."""
    page = conv.history(person_id, LOUNGE, limit=limit)
    seen, sizes = [m["body"] for m in page["messages"]], [len(page["messages"])]
    while page["next_before_seq"]:
        page = conv.history(person_id, LOUNGE, before_seq=page["next_before_seq"], limit=limit)
        seen, sizes = [m["body"] for m in page["messages"]] + seen, sizes + [len(page["messages"])]
    return seen, sizes


def test_pages_of_fifty_with_the_muted_left_out_are_full_and_walk_everything_once(w):
    for i in range(60):
        w.conv.post(w.kim if i % 6 == 0 else w.lee, LOUNGE, f"m{i}")  # 10 of kim's among 60
        w.clock.advance(seconds=3)
    w.conv.set_personal_filter(w.sam, "mute", True, username="kim")
    visible = [f"m{i}" for i in range(60) if i % 6]
    seen, sizes = walk_back(w.conv, w.sam, 50)
    assert seen == visible and sizes == [50]
    seen, sizes = walk_back(w.conv, w.sam, 7)
    assert seen == visible and sizes == [7] * 7 + [1]
    forward = w.conv.history(w.sam, LOUNGE, after_seq=0, limit=100)["messages"]
    assert [m["body"] for m in forward] == visible
    assert len(walk_back(w.conv, w.lee, 100)[0]) == 60  # nobody else's history changes
    assert len(walk_back(w.conv, w.kim, 100)[0]) == 60  # and kim is not told
    w.conv.set_personal_filter(w.sam, "block", True, username="kim")
    assert walk_back(w.conv, w.sam, 50)[0] == visible
    w.conv.set_personal_filter(w.sam, "block", False, username="kim")
    assert len(walk_back(w.conv, w.sam, 100)[0]) == 60


def test_a_block_refuses_mentions_replies_and_hearts_and_writes_nothing(w):
    mine = w.conv.post(w.sam, LOUNGE, "hello everyone")
    w.clock.advance(seconds=5)
    w.conv.set_personal_filter(w.sam, "block", True, target_id=w.kim)
    with w.engine.connect() as conn:
        before = conn.execute(sa.select(sa.func.count()).select_from(orm.messages)).scalar_one()
    for attempt in (lambda: w.conv.post(w.kim, LOUNGE, "@sam listen"),
                    lambda: w.conv.post(w.kim, LOUNGE, "no", reply_to=mine["message_id"]),
                    lambda: w.conv.heart(w.kim, mine["message_id"], True)):
        with pytest.raises(errors.CannotReach, match=flt.CANNOT_REACH):
            attempt()
    with w.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(orm.messages)).scalar_one() == before
    assert w.conv.post(w.kim, LOUNGE, "@lee hi")["mentions"]


def test_the_list_is_one_row_per_pair_kept_across_sessions_and_listed_by_its_owner(w, room_engine):
    w.conv.set_personal_filter(w.sam, "mute", True, username="kim")
    w.conv.set_personal_filter(w.sam, "block", True, username="kim")
    w.clock.advance(seconds=1)
    w.conv.set_personal_filter(w.sam, "mute", True, username="lee")
    again = Conversation(uow_factory(room_engine), clock=w.clock)  # another process, later
    assert [(f["username"], f["kind"]) for f in again.list_personal_filters(w.sam)] == [("kim", "block"),
                                                                                       ("lee", "mute")]
    with room_engine.connect() as conn:
        rows = conn.execute(sa.select(orm.personal_filters.c.kind)
                            .where(orm.personal_filters.c.owner_id == w.sam)).scalars().all()
    assert sorted(rows) == ["block", "mute"]
    with pytest.raises(sa.exc.IntegrityError), room_engine.begin() as conn:
        conn.execute(sa.insert(orm.personal_filters).values(owner_id=w.sam, target_id=w.kim, kind="mute",
                                                            created_at=dt.datetime.now(dt.timezone.utc)))
    with pytest.raises(sa.exc.IntegrityError), room_engine.begin() as conn:
        conn.execute(sa.insert(orm.personal_filters).values(owner_id=w.sam, target_id=w.sam, kind="hide",
                                                            created_at=dt.datetime.now(dt.timezone.utc)))
    with uow_factory(room_engine)() as uow:
        assert uow.personal_filters.blockers(w.kim, [w.sam, w.lee]) == {w.sam}
        stored = uow.personal_filters.get(w.sam, w.lee)
        assert stored == PersonalFilter(w.sam, w.lee, "mute", stored.created_at)
    # The live hub's re-read of everyone with a stream here (one query): each one's list, empty for none.
    assert again.filters.hidden_of([w.sam, w.kim]) == {w.sam: {w.kim, w.lee}, w.kim: set()}
