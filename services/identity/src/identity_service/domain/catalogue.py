"""Domain: the starter badge catalogue; the room locks and facilitator roles are built on these slugs."""
from typing import NamedTuple


class BadgeSpec(NamedTuple):
    """Catalogue data (plain, so it can exist before the ORM maps Badge)."""

    slug: str
    name: str
    description: str
    how_earned: str


STARTER_BADGES: tuple[BadgeSpec, ...] = (
    BadgeSpec("first-post", "First Post", "Shared for the first time in a group room.",
          "Post your first message in any group support room."),
    BadgeSpec("chief-chat", "Chief Chat", "A steady, kind presence in group chat.",
          "Take part in group chat on 30 different days without a sanction."),
    BadgeSpec("compassion-hero", "Compassion Hero", "Recognised by peers for compassionate support.",
          "Receive 50 hearts on supportive messages from at least 20 different people."),
    BadgeSpec("welcome-wagon", "Welcome Wagon", "Makes newcomers feel at home.",
          "Welcome 25 people in their first week in group support."),
    BadgeSpec("sharing-circle-regular", "Sharing Circle Regular", "Shows up for the Sharing Circle.",
          "Attend 10 Sharing Circle sessions."),
    BadgeSpec("verified-listener", "Verified Listener", "A listener who completed active-listening training.",
          "Complete the active listening course and pass review as a listener."),
    BadgeSpec("listener-in-good-standing", "Listener in Good Standing", "A listener with a clean recent record.",
          "Stay a verified listener for 90 days without a sanction."),
    BadgeSpec("teen-safety-trained", "Teen Safety Trained", "Trained to support teens safely.",
          "Complete the teen safety module; required before facilitating in teen rooms."),
    BadgeSpec("trauma-informed", "Trauma Informed", "Understands trauma-informed peer support.",
          "Complete the trauma-informed support module."),
    BadgeSpec("group-dynamics-graduate", "Group Dynamics Graduate", "Completed the Group Dynamics Course.",
          "Complete every requirement of the Group Dynamics Course."),
    BadgeSpec("support-session-leader-trained", "Support Session Leader Trained",
          "Ready to lead support sessions.",
          "Graduate from the Group Dynamics Course and lead three practice sessions under supervision."),
    BadgeSpec("on-spot-host-trained", "On-spot Host Trained", "Ready to host unplanned sessions.",
          "Graduate from the Group Dynamics Course and co-host two sessions."),
    BadgeSpec("chat-moderator-trained", "Chat Moderator Trained", "Trained in chat room moderation.",
          "Complete the moderation module and shadow a moderator for five shifts."),
    BadgeSpec("crisis-response-trained", "Crisis Response Trained", "Knows how to escalate a crisis.",
          "Complete the crisis response module."),
    BadgeSpec("lgbtq-ally", "LGBTQ+ Ally", "Completed LGBTQ+ affirming support training.",
          "Complete the LGBTQ+ affirming support module."),
    BadgeSpec("grief-companion", "Grief Companion", "Supports people through loss.",
          "Complete the grief support module."),
    BadgeSpec("night-owl", "Night Owl", "Supports the community through the night.",
          "Take part in 10 overnight 24/7 room sessions."),
    BadgeSpec("community-guide", "Community Guide", "Helps others find their way around Hearth.",
          "Answer 20 questions in community rooms, marked helpful."),
)
