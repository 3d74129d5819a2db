"""Benchmark: course's threads and completion (make bench): a reply (CreatePost) and a "load more" page
(ListPosts after a cursor) at open-loop rates, with the CPU per call of every process and how busy the machine
was; then completion -> room door open at rest: from the call that meets a learner's last requirement to the
first JoinRoom that a room locked on the course's badge admits (course_completed -> identity-worker awards the
badge -> badge_awarded -> room-worker's read model).

identity, room-worker, room-grpc, course-worker and course-grpc run as real processes on throwaway databases and
a vhost, with the load generator on the same machine. The benchmark's course is created by the bench admin: open
to all, one discussion, and a one-question quiz as its only requirement (so submitting the right answer is the
call that completes it), earning group-dynamics-graduate. Prints figures only.

The reply and page rows print course-grpc's CPU per call as a multiple of the floor's (an empty grpc.aio call,
measured first: floor.py) and course-grpc's PostgreSQL round trips per call (course-grpc runs under pgcount.py).
BENCH_COURSE_COMPLETIONS=0 skips the completion rows.
"""
from __future__ import annotations

import concurrent.futures
import json
import os
import pathlib
import random
import subprocess
import tempfile
import time

import grpc
from floor import fast_path, measured_once
from grpc_health.v1 import health_pb2, health_pb2_grpc
from hearth.course.v1 import course_pb2 as cpb
from hearth.course.v1 import course_pb2_grpc
from hearth.room.v1 import room_pb2 as rpb
from loadgen import BIN, CpuMeter, free_port, machine_check, open_loop, percentiles, pids_of
from pgcount import PgCounts, PgMeter
from stack import create_rooms, running_stack

from hearth_common import testing
from hearth_common.clients.channel import open_channel

COURSE, DISCUSSION, BADGE = "bench-course", "bench-thread", "group-dynamics-graduate"
REPLY_RATE = float(os.environ.get("BENCH_COURSE_REPLY_RATE", "50"))
PAGE_RATE = float(os.environ.get("BENCH_COURSE_PAGE_RATE", "150"))
WRITERS = 150  # course paces posts per person (a burst of 5, then one every 2 s): each writes a few at most
THREAD_POSTS = 600  # the thread "load more" pages through before the rows run
COMPLETIONS = int(os.environ.get("BENCH_COURSE_COMPLETIONS", "30"))
REQUIREMENTS = [{"kind": "quiz", "id": "bench-check", "title": "Bench check", "pass_mark": 1, "max_attempts": 3,
                 "questions": [{"id": "right-one", "text": "Which option is the right one?",
                                "options": ["This one", "That one"], "answer": 1}]}]


def start_course(stack, tmp: str):
    """course's database, migration (with its seed), worker and gRPC server (under pgcount) on the stack's vhost;
    returns the database, the server's address, the processes and course-grpc's round-trip counts."""
    db = testing.create_database("hearth_bench_course")
    target = f"127.0.0.1:{free_port()}"
    env = {**stack.env, "COURSE_DATABASE_URL": db, "COURSE_AMQP_URI": stack.env["ROOM_AMQP_URI"],
           "COURSE_IDENTITY_GRPC_TARGET": stack.identity_target, "COURSE_GRPC_ADDRESS": target,
           "COURSE_WORKER_HEARTBEAT_FILE": f"{tmp}/course.hb"}
    subprocess.run([str(BIN / "course-migrate")], env=env, check=True, capture_output=True)
    pg = PgCounts(pathlib.Path(tmp), "course-grpc")
    procs = {"course-worker": subprocess.Popen([str(BIN / "course-worker")], env=env),
             "course-grpc": subprocess.Popen(pg.command("course_service.entrypoints.grpc_server:main"), env=env)}
    testing.wait_consuming(env["COURSE_AMQP_URI"], "evt-room-session_ended--course.on_session_ended", timeout=60)
    grpc.channel_ready_future(grpc.insecure_channel(target)).result(timeout=60)
    return db, target, procs, pg


def enrol_all(courses, people) -> None:
    """Enrols each person in the bench course, once course's read model knows them (registration by event)."""
    def one(md):
        testing.eventually(lambda: enrolled(courses, md), timeout=120, interval=0.1, what="course to know people")

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(one, [md for _, md in people]))


def enrolled(courses, md) -> bool:
    try:
        courses.Enrol(cpb.EnrolRequest(course_slug=COURSE), metadata=md, timeout=10)
        return True
    except grpc.RpcError as exc:
        if exc.code() != grpc.StatusCode.FAILED_PRECONDITION:
            raise
        return False


def words(n: int) -> str:
    return f"reply {n}: what helped me most in a group was being heard before anyone offered advice"


def main() -> None:
    with running_stack("bench_course") as stack, tempfile.TemporaryDirectory() as tmp:
        db, target, course_procs, pg = start_course(stack, tmp)
        try:
            run(stack, target, course_procs, pg)
        finally:
            testing.stop_processes(list(course_procs.values()))
            testing.drop_database(db)


def run(stack, target, course_procs, pg_counts: PgCounts) -> None:
    courses = course_pb2_grpc.CourseServiceStub(open_channel(target))
    pg = PgMeter([pg_counts])

    def cpu() -> CpuMeter:
        return CpuMeter({**stack.processes, **{name: [p.pid] for name, p in course_procs.items()},
                         "postgres": lambda: pids_of("postgres"), "rabbitmq": lambda: pids_of("beam.smp")},
                        also=[pg])

    def beside_floor(what: str):
        return lambda figures: fast_path(floor, figures, what, pg=pg, server="course-grpc")

    def authored() -> bool:
        try:
            courses.CreateCourse(cpb.CreateCourseRequest(
                slug=COURSE, title="Bench Course", summary="The benchmark's course.", badge_slug=BADGE,
                status="published", requirements_json=json.dumps(REQUIREMENTS)), metadata=stack.admin_md, timeout=10)
            return True
        except grpc.RpcError as exc:  # until course's read model has the admin's role
            if exc.code() != grpc.StatusCode.PERMISSION_DENIED:
                raise
            return False

    testing.eventually(authored, timeout=60, interval=0.2, what="course to know the admin")
    courses.AddDiscussion(cpb.AddDiscussionRequest(course_slug=COURSE, discussion_id=DISCUSSION, title="Bench thread",
                                                   opening_post="What helped you most in a group?"),
                          metadata=stack.admin_md, timeout=10)
    [locked] = create_rooms(stack, "graduates", 1, policy=json.dumps({"badge": BADGE}))
    writers = stack.register([f"bench_writer_{i:03d}" for i in range(WRITERS)])
    graduates = stack.register([f"bench_graduate_{i:03d}" for i in range(COMPLETIONS)])
    enrol_all(courses, writers + graduates)
    stack.wait_known(graduates, locked)

    print("course benchmark: identity, room-worker, room-grpc, course-worker, course-grpc and the load generator"
          " on one machine")
    print(machine_check())
    floor = measured_once()

    # the thread "load more" reads: THREAD_POSTS replies, then the cursor of every full page of 20
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: courses.CreatePost(cpb.CreatePostRequest(
            course_slug=COURSE, discussion_id=DISCUSSION, body=words(n)), metadata=writers[n % WRITERS][1],
            timeout=10), range(THREAD_POSTS)))
    cursors, cursor = [], ""
    while True:
        page = courses.ListPosts(cpb.ListPostsRequest(course_slug=COURSE, discussion_id=DISCUSSION, cursor=cursor),
                                 metadata=writers[0][1], timeout=10)
        if not page.has_more:
            break
        cursor = page.next_cursor
        cursors.append(cursor)
    cursors = cursors[:-1]  # each of these is followed by a full page
    stack.settle()
    time.sleep(2.5)  # the writers' posting allowance refills (one every 2 s after a burst of 5)

    health = health_pb2_grpc.HealthStub(grpc.insecure_channel(target))
    open_loop("gRPC Health.Check on course-grpc (no token, no db)", PAGE_RATE, lambda i: health.Check(
        health_pb2.HealthCheckRequest(), timeout=5), cpu=cpu(), after=beside_floor("check"))
    open_loop("gRPC CreatePost (a reply)", REPLY_RATE, lambda i: courses.CreatePost(cpb.CreatePostRequest(
        course_slug=COURSE, discussion_id=DISCUSSION, body=words(i)), metadata=writers[i % WRITERS][1], timeout=5),
        cpu=cpu(), after=beside_floor("reply"))
    stack.settle()
    rng = random.Random(15)
    picks = [rng.choice(cursors) for _ in range(1024)]
    open_loop("gRPC ListPosts, load more (20 a page)", PAGE_RATE, lambda i: courses.ListPosts(cpb.ListPostsRequest(
        course_slug=COURSE, discussion_id=DISCUSSION, cursor=picks[i % 1024]), metadata=writers[i % WRITERS][1],
        timeout=5), cpu=cpu(), after=beside_floor("page"))

    if not COMPLETIONS:
        return
    # completion -> room door open, one learner at a time at rest
    stack.settle()
    rooms = stack.rooms
    floor, opened = [], []
    for _ in range(COMPLETIONS):
        started = time.perf_counter()
        health.Check(health_pb2.HealthCheckRequest(), timeout=5)
        floor.append(time.perf_counter() - started)
    for _, md in graduates:
        started = time.perf_counter()
        attempt = courses.SubmitQuizAttempt(cpb.SubmitQuizAttemptRequest(course_slug=COURSE, quiz_id="bench-check",
                                                                         answers=[1]), metadata=md, timeout=10)
        assert attempt.passed
        while True:
            try:
                rooms.JoinRoom(rpb.JoinRoomRequest(slug=locked), metadata=md, timeout=10)
                break
            except grpc.RpcError as exc:
                if exc.code() != grpc.StatusCode.PERMISSION_DENIED or time.perf_counter() - started > 30:
                    raise
                time.sleep(0.005)
        opened.append(time.perf_counter() - started)
        time.sleep(0.2)  # at rest: the next completion starts when the previous one's events are through
    print(f"{'completion -> room door open (n=%d)' % len(opened):<40} {percentiles(opened)} (target p99 <= 1 s)")
    print(f"{'  floor: gRPC Health.Check, sequential':<40} {percentiles(floor)}")


if __name__ == "__main__":
    main()
