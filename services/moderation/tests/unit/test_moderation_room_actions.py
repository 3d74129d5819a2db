"""Unit tests: the calls to room that decisions record are carried out by the worker until room has done them:
retried with growing waits while room does not answer, finished when room no longer has the target or refuses
for good, and never made twice once done."""
import datetime as dt

from hearth_common import errors
from moderation_service.domain import room_actions as actions


def record(uow_factory, *actions):
    with uow_factory() as uow:
        for action in actions:
            uow.room_actions.add(action)
        uow.commit()


def stored(uow_factory, action):
    with uow_factory() as uow:
        return uow.room_actions.get(action.id)


def test_each_kind_of_call_reaches_room_once(uow_factory, room, runner, clock):
    now = clock()
    calls = [room_actions_of("remove_message", now), room_actions_of("restore_message", now),
             room_actions_of("remove_person", now)]
    record(uow_factory, *calls)
    assert runner.run_due() == 3
    assert room.removed == [("m-1", "mod-1", "abusive")]
    assert room.restored == [("m-2", "mod-1", "disagreed")]
    assert room.removed_people == [("sharing-circle", "p-1", "mod-1", "kicked")]
    assert all(stored(uow_factory, c).status == actions.DONE for c in calls)
    assert runner.run_due() == 0 and len(room.removed) == 1  # done is done


def test_the_worker_loop_is_told_when_a_failed_call_is_due_again(uow_factory, room, runner, clock):
    """run_due_until_next: the worker's loop sleeps until the next retry is due, not a poll interval."""
    assert runner.run_due_until_next() is None
    record(uow_factory, room_actions_of("remove_message", clock()))
    room.down = True
    assert runner.run_due_until_next() == 1  # tried once: again in a second
    clock.advance(seconds=1)
    assert runner.run_due_until_next() == 2
    room.down = False
    clock.advance(seconds=2)
    assert runner.run_due_until_next() is None and len(room.removed) == 1


def room_actions_of(kind, now):
    return {"remove_message": lambda: actions.remove_message("m-1", "mod-1", "abusive", now),
            "restore_message": lambda: actions.restore_message("m-2", "mod-1", "disagreed", now),
            "remove_person": lambda: actions.remove_person("sharing-circle", "p-1", "mod-1", "kicked", now),
            }[kind]()


def test_a_call_room_does_not_answer_is_retried_with_growing_waits_until_it_is_done(uow_factory, room,
                                                                                      runner, clock):
    action = room_actions_of("remove_message", clock())
    record(uow_factory, action)
    room.down = True
    assert runner.run_due() == 1
    first = stored(uow_factory, action)
    assert first.status == actions.PENDING and first.attempts == 1 and "did not answer" in first.last_error
    assert runner.run_due() == 0  # not due again yet
    clock.advance(seconds=1)
    runner.run_due()
    second = stored(uow_factory, action)
    assert second.attempts == 2 and second.due_at - clock() == dt.timedelta(seconds=2)
    for _ in range(20):  # the wait grows, but never past a minute
        clock.advance(actions.LONGEST_RETRY)
        runner.run_due()
    assert stored(uow_factory, action).due_at - clock() == actions.LONGEST_RETRY
    room.down = False
    clock.advance(actions.LONGEST_RETRY)
    runner.run_due()
    assert stored(uow_factory, action).status == actions.DONE and room.removed == [("m-1", "mod-1", "abusive")]


def test_a_target_room_no_longer_has_or_refuses_ends_the_action_without_retrying(uow_factory, room, runner,
                                                                                clock):
    gone, refused = room_actions_of("remove_message", clock()), room_actions_of("restore_message", clock())
    room.gone.add("m-1")
    room.refused.add("m-2")
    record(uow_factory, gone, refused)
    assert runner.run_due() == 2
    assert stored(uow_factory, gone).status == actions.GONE
    refused_now = stored(uow_factory, refused)
    assert refused_now.status == actions.GONE and "deleted by its author" in refused_now.last_error
    clock.advance(hours=1)
    assert runner.run_due() == 0


def test_a_run_stops_at_its_batch_and_the_rest_waits_for_the_next(uow_factory, room, runner, clock):
    record(uow_factory, *[actions.remove_message(f"m-{i}", "mod-1", "spam", clock()) for i in range(5)])
    assert runner.run_due(limit=3) == 3
    assert runner.run_due(limit=3) == 2
    assert sorted(m for m, _, _ in room.removed) == [f"m-{i}" for i in range(5)]


def test_a_call_room_refuses_to_the_caller_is_retried_not_dropped(uow_factory, room, runner, clock):
    """A PermissionDenied (moderation not yet allowed a new RPC while a deploy rolls) is not room's final word."""
    action = room_actions_of("restore_message", clock())
    record(uow_factory, action)
    refusal = errors.PermissionDenied("'moderation' may not call room.restore_message")
    room.restore_message = lambda *args, **kwargs: (_ for _ in ()).throw(refusal)
    runner.run_due()
    assert stored(uow_factory, action).status == actions.PENDING and "may not call" in stored(uow_factory,
                                                                                              action).last_error


def test_a_moderators_removal_recorded_after_a_restore_wins_whichever_is_due_first(uow_factory, room, runner,
                                                                                    clock):
    """A disagree decision orders the hide's undoing; a moderator's RemoveMessage that began before it but
    committed after it has the earlier due time. room is asked to remove; the restore gives way."""
    from moderation_service.domain.reports import HiddenMessage

    start = clock()
    hide = actions.remove_message("m-1", "service:moderation", "hidden pending review", start)
    hide.succeeded(start)
    removal = actions.remove_message("m-1", "mod-1", "abusive", start)  # due first: its transaction began first
    clock.advance(seconds=1)
    restore = actions.restore_message("m-1", "mod-2", "shown again after review", clock())
    with uow_factory() as uow:
        uow.hidden_messages.add(HiddenMessage("m-1", "case-1", "sharing-circle", "p-1", hide.id, start, 6.0))
        uow.commit()
    record(uow_factory, hide, restore, removal)
    runner.run_due()
    assert room.removed == [("m-1", "mod-1", "abusive")] and room.restored == []
    assert stored(uow_factory, restore).status == actions.GONE
