"""Service layer: crisis care that never punishes (issue 14 section 4). On room's message_posted (and
message_edited) and course's course_post_created (and _edited), the crisis tier of the author's own words; from
the high tier on, the author gets a private care notice with their cohort's resources and a crisis page goes out
(crisis-trained moderators on duty first). The message stays posted. Nothing here files a report, opens a case,
warns or sanctions: care only."""
from __future__ import annotations

import datetime as dt

from hearth_common.automod import crisis as crisis_reading
from hearth_common.automod.detectors import Tier, Views
from hearth_common.ids import new_id
from moderation_service.domain import audit, events
from moderation_service.domain import crisis as care
from moderation_service.domain import pager as pager_rules
from moderation_service.domain.crisis import CrisisFlag
from moderation_service.domain.pager import Page
from moderation_service.domain.subjects import PostedText
from moderation_service.service_layer.facts import facts_of
from moderation_service.service_layer.pager import send_care_notice, send_page
from moderation_service.service_layer.unit_of_work import UnitOfWork

EXCERPT_MAX = 2000


def tier_of(text: str) -> Tier:
    return crisis_reading.read(Views(text)).tier


def care_for_crisis(uow: UnitOfWork, text: PostedText, now: dt.datetime) -> bool:
    """Reads a posted (or edited) room message or course post for crisis language and, from the high tier on,
    starts care in the caller's transaction (the worker's, with the event's inbox claim): the author's care notice,
    a crisis page, crisis_flagged, the audit log. Once per message: a message cared for before (a replay under
    another event id) is left alone. A course post's page and flag name its place (`course:<slug>`); its care
    notice names no room (it reaches the person wherever they are). Returns whether care started."""
    words = text.words
    tier = tier_of(words)
    if not care.starts_care(tier) or uow.crisis_flags.get(text.message_id) is not None:
        return False
    author = facts_of(uow.people.get(text.author_id))
    cohort = author.cohort if author else None
    page = send_page(uow, Page(
        id=new_id(), kind=pager_rules.CRISIS, reason=tier.label, room_slug=text.place, cohort=cohort,
        created_at=now, stage="", stage_at=now, recipient_ids=[], subject_id=text.author_id,
        message_id=text.message_id, excerpt=words[:EXCERPT_MAX]), now, audit.AUTOMOD)
    flag = CrisisFlag(text.message_id, text.place, text.author_id, tier.label, page.id, now)
    uow.crisis_flags.add(flag)
    uow.add_events([events.crisis_flagged(flag)])
    send_care_notice(uow, text.author_id, care.CARE_TEXT, text.notice_room, cohort, now, audit.AUTOMOD, page.id,
                     details={"message_id": text.message_id, "tier": tier.label}, place=text.place)
    return True
