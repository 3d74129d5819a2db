"""nameko: course's worker serves moderation's remove_post over real RPC under eventlet: the post becomes a
"removed" placeholder, course_post_removed is sent once however often moderation retries, and an unknown id is
NotFound (real RabbitMQ vhost, real PostgreSQL)."""
import uuid

import pytest
from course_world import QUESTION_POST, FakeBlocks, World

from course_service.adapters.certificates import Ed25519Signer
from course_service.adapters.repository import uow_factory
from course_service.service_layer.services import CourseService
from hearth_common import errors, testing
from hearth_common.clock import utcnow
from hearth_common.rpc_client import RpcClient
from hearth_common.service_rpc import CourseRpc

COURSE, DISCUSSION = "group-dynamics", "intro"


@pytest.fixture
def rpc(worker, amqp_uri):
    client = RpcClient(amqp_uri, timeout=10, caller="moderation-test")
    yield CourseRpc(client)  # the client moderation calls course with
    client.close()


@pytest.fixture
def service(clean_engine):
    return CourseService(uow_factory(clean_engine), Ed25519Signer.generate(), blocks=FakeBlocks())


def test_moderation_removes_a_post_over_rpc_idempotently(rpc, service, clean_engine):
    world = World(service, utcnow)
    admin = world.admin()
    service.create_course(admin, slug=COURSE, title="Group Dynamics Course", status="published")
    service.add_discussion(admin, COURSE, discussion_id=DISCUSSION, title="Intro", opening_post=QUESTION_POST)
    author = world.person("poster")
    service.enrol(author, COURSE)
    post = service.threads.create_post(author, COURSE, DISCUSSION, "something that breaks the rules").post
    moderator = str(uuid.uuid4())

    removed = rpc.remove_post(post_id=post.id, moderator_id=moderator, reason="breaks rule 3")
    assert (removed["post_id"], removed["state"], removed["removed_by"]) == (post.id, "removed", moderator)
    again = rpc.remove_post(post_id=post.id, moderator_id=moderator, reason="breaks rule 3")
    assert again["state"] == "removed"
    events = testing.outbox_data(clean_engine, "course_post_removed")
    assert [(e["post_id"], e["removed_by"], e["by_moderation"], e["reason"]) for e in events] == [
        (post.id, moderator, True, "breaks rule 3")]
    page = service.threads.list_posts(author, COURSE, DISCUSSION)
    assert [(v.state, v.body) for v in page.posts] == [("removed", "")]


def test_removing_an_unknown_post_is_not_found(rpc):
    with pytest.raises(errors.NotFound):
        rpc.remove_post(post_id=str(uuid.uuid4()), moderator_id=str(uuid.uuid4()))
    with pytest.raises(errors.InvalidArgument, match="post_id must be a UUID"):
        rpc.remove_post(post_id="not-a-uuid", moderator_id=str(uuid.uuid4()))
