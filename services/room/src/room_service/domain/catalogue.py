"""Domain: the seeded room catalogue (audience, topic, mode, status, capacity and badge lock of each room)."""
from typing import NamedTuple

# The fixed vocabularies a seeded room may use. The room domain model validates against its own enums;
# these tuples exist so the seed data can be checked on its own, before any table exists.
AUDIENCE_COHORTS: tuple[str, ...] = ("adult", "teen")
AUDIENCE_KINDS: tuple[str, ...] = ("member", "listener", "both")
ROOM_MODES: tuple[str, ...] = ("always_open", "pop_up", "facilitated")

# Display names of the badges room's policies name, as identity's badge catalogue spells them (room does not
# own the catalogue; a unit test keeps these equal to identity's). Other slugs read as their words.
BADGE_NAMES: dict[str, str] = {
    "first-post": "First Post", "chief-chat": "Chief Chat", "compassion-hero": "Compassion Hero",
    "welcome-wagon": "Welcome Wagon", "sharing-circle-regular": "Sharing Circle Regular",
    "verified-listener": "Verified Listener", "listener-in-good-standing": "Listener in Good Standing",
    "teen-safety-trained": "Teen Safety Trained", "trauma-informed": "Trauma Informed",
    "group-dynamics-graduate": "Group Dynamics Graduate",
    "support-session-leader-trained": "Support Session Leader Trained", "on-spot-host-trained": "On-spot Host Trained",
    "chat-moderator-trained": "Chat Moderator Trained", "crisis-response-trained": "Crisis Response Trained",
    "lgbtq-ally": "LGBTQ+ Ally", "grief-companion": "Grief Companion", "night-owl": "Night Owl",
    "community-guide": "Community Guide",
}
ROOM_STATUSES: tuple[str, ...] = ("active", "archived")
POLICY_ROLES: tuple[str, ...] = ("chat_room_moderator", "support_session_leader", "on_spot_host", "admin")

TOPICS: tuple[str, ...] = (
    "general-support",  # the 24/7 rooms
    "community",
    "new-members",
    "sharing-circle",
    "listener-support",
    "facilitators",
    "special-event",
    "trauma",
    "personality-disorders",
    "relationships",
    "anxiety",
    "panic",
    "ocd",
    "depression",
    "bipolar",
    "lgbtq",
    "loneliness",
    "grief",
    "self-harm-recovery",
    "eating-concerns",
    "body-image",
    "substance-recovery",
    "parenting",
    "family",
    "caregivers",
    "chronic-illness",
    "disability",
    "work-and-study",
    "financial-stress",
    "bullying",
    "mindfulness",
    "sleep",
    "adhd",
    "autism",
    "anger",
    "self-esteem",
    "stress",
    "military-and-veterans",
    "faith-and-spirituality",
    "creative-expression",
)


class RoomSpec(NamedTuple):
    """One seeded room; plain data, so it can exist before the ORM maps Room.

    access_policy is a JSON-able badge-lock expression:
    {"always": true} | {"badge": slug} | {"kind": "member"|"listener"} | {"cohort": "teen"|"adult"}
    | {"role": role} | {"all_of": [...]} | {"any_of": [...]} | {"not": {...}}.
    Every policy here pins the room's cohort in a top-level all_of (or is the bare cohort clause), so
    adults and teens never share a room; a role clause means a live grant of that role, global or scoped
    to this room.
    """

    slug: str
    name: str
    description: str
    topic: str
    audience_cohort: str
    audience_kind: str
    mode: str
    status: str
    capacity: int
    access_policy: dict


STARTER_ROOMS: tuple[RoomSpec, ...] = (
    # --- adults: 24/7 support -----------------------------------------------------------------------
    RoomSpec(
        "adult-24-7-support", "24/7 Support Room",
        "Our main room for adults who need someone to talk to, day or night, with trained listeners and "
        "fellow members on hand. If you are in danger or thinking of ending your life, please contact "
        "local emergency services or a crisis line right away.",
        "general-support", "adult", "both", "always_open", "active", 250,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-24-7-americas", "24/7 Support: Americas",
        "Round-the-clock support that is busiest during evenings across North and South America, so you "
        "will often meet people in your own time zone. If you are in danger, please contact local "
        "emergency services or a crisis line now.",
        "general-support", "adult", "both", "always_open", "active", 200,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-24-7-europe-africa", "24/7 Support: Europe and Africa",
        "Round-the-clock support that is busiest during evenings across Europe and Africa, a good place to "
        "talk things through before bed. If you are in danger, please contact local emergency services or "
        "a crisis line now.",
        "general-support", "adult", "both", "always_open", "active", 200,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-24-7-asia-pacific", "24/7 Support: Asia-Pacific",
        "Round-the-clock support that is busiest during evenings across Asia and the Pacific, so there is "
        "company when other regions are asleep. If you are in danger, please contact local emergency "
        "services or a crisis line now.",
        "general-support", "adult", "both", "always_open", "active", 200,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-24-7-night-owls", "24/7 Night Owls Room",
        "For the small hours when sleep will not come and your thoughts get loud, staffed by listeners who "
        "have chosen the night shift. If you are in danger, please contact local emergency services or a "
        "crisis line now.",
        "general-support", "adult", "both", "always_open", "active", 150,
        {"all_of": [
            {"cohort": "adult"},
            {"any_of": [{"kind": "member"}, {"all_of": [{"badge": "verified-listener"}, {"badge": "night-owl"}]}]},
        ]},
    ),
    RoomSpec(
        "adult-24-7-quiet-room", "24/7 Quiet Room",
        "A slower, calmer 24/7 room where one conversation happens at a time and nobody minds if you just "
        "read for a while. If you are in danger, please contact local emergency services or a crisis line now.",
        "general-support", "adult", "both", "always_open", "active", 100,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-24-7-vent", "24/7 Vent Room",
        "Let it out without needing to be fixed: say what is weighing on you and others will simply hear "
        "you. If you are in danger, please contact local emergency services or a crisis line now.",
        "general-support", "adult", "both", "always_open", "active", 150,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-24-7-members-room", "24/7 Members' Room",
        "A round-the-clock room just for members to support one another peer to peer, watched over by a "
        "chat room moderator. If you are in danger, please contact local emergency services or a crisis "
        "line now.",
        "general-support", "adult", "member", "always_open", "active", 150,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"role": "chat_room_moderator"}]}]},
    ),
    # --- adults: community -------------------------------------------------------------------------
    RoomSpec(
        "adult-community-lounge", "Community Lounge",
        "Pull up a chair and chat about your day, your plans or nothing in particular. It is the friendly "
        "front room of Hearth for members and listeners alike.",
        "community", "adult", "both", "always_open", "active", 150,
        {"cohort": "adult"},
    ),
    RoomSpec(
        "adult-community-good-news", "Good News Room",
        "Share a win of any size, from getting out of bed to landing a new job, and let others celebrate "
        "with you.",
        "community", "adult", "both", "always_open", "active", 120,
        {"cohort": "adult"},
    ),
    RoomSpec(
        "adult-community-gratitude", "Gratitude Garden",
        "Plant one small thing you are thankful for today and read what others have noticed in theirs.",
        "community", "adult", "both", "always_open", "active", 100,
        {"cohort": "adult"},
    ),
    RoomSpec(
        "adult-community-games", "Games Room",
        "Word games, riddles and trivia for when you need a lighter moment and some easy company.",
        "community", "adult", "both", "always_open", "active", 100,
        {"cohort": "adult"},
    ),
    RoomSpec(
        "adult-community-pets", "Pets and Companions",
        "Tell us about the cat on your keyboard or the dog who gets you outside, and swap stories about "
        "the animals who keep you going.",
        "community", "adult", "both", "always_open", "active", 80,
        {"cohort": "adult"},
    ),
    RoomSpec(
        "adult-community-music", "Music Sharing Room",
        "Swap the songs that lift you up or see you through, and discover what keeps others going.",
        "community", "adult", "both", "always_open", "active", 80,
        {"cohort": "adult"},
    ),
    RoomSpec(
        "adult-community-book-nook", "Book Nook",
        "Talk about what you are reading, what you abandoned halfway and what you would recommend to a "
        "friend on a hard day.",
        "community", "adult", "both", "always_open", "active", 60,
        {"cohort": "adult"},
    ),
    RoomSpec(
        "adult-community-guides-desk", "Community Guides' Desk",
        "Not sure where something is or how a feature works? Community Guides answer questions about "
        "finding your way around Hearth.",
        "community", "adult", "both", "always_open", "active", 80,
        {"cohort": "adult"},
    ),
    RoomSpec(
        "adult-community-feedback", "Ideas and Feedback",
        "Tell the team what would make Hearth kinder, safer or easier to use, and discuss ideas with "
        "other members and listeners.",
        "community", "adult", "both", "always_open", "active", 80,
        {"cohort": "adult"},
    ),
    RoomSpec(
        "adult-creative-corner", "Creative Corner",
        "Share a poem, a sketch, a photo or a song you made, and get gentle encouragement rather than "
        "critique.",
        "creative-expression", "adult", "both", "always_open", "active", 80,
        {"cohort": "adult"},
    ),
    RoomSpec(
        "adult-journaling-room", "Journaling Together",
        "Bring your notebook: each hour a new prompt is posted, and you can write privately or share as "
        "much as feels right.",
        "creative-expression", "adult", "both", "always_open", "active", 60,
        {"cohort": "adult"},
    ),
    # --- adults: new members -----------------------------------------------------------------------
    RoomSpec(
        "adult-welcome-room", "Welcome Room",
        "New to Hearth? Say hello, learn how group chat works and meet Welcome Wagon regulars who remember "
        "what their first day felt like.",
        "new-members", "adult", "both", "always_open", "active", 100,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"not": {"badge": "chief-chat"}}, {"badge": "welcome-wagon"}]}]},
    ),
    RoomSpec(
        "adult-new-member-questions", "New Member Questions",
        "Ask anything about badges, rooms, privacy or how to find the right kind of support, and a "
        "Community Guide or listener will help.",
        "new-members", "adult", "both", "always_open", "active", 80,
        {"cohort": "adult"},
    ),
    RoomSpec(
        "adult-first-steps-orientation", "First Steps Orientation",
        "A short guided tour of group support led by a session leader, with time for your questions at "
        "the end.",
        "new-members", "adult", "member", "facilitated", "active", 25,
        {"all_of": [
            {"cohort": "adult"},
            {"any_of": [{"kind": "member"}, {"role": "support_session_leader"}, {"role": "on_spot_host"}]},
        ]},
    ),
    # --- adults: sharing circles ---------------------------------------------------------------------
    RoomSpec(
        "adult-sharing-circle", "Sharing Circle",
        "A small, facilitated circle where members take turns to share and everyone else listens without "
        "interrupting. You can always pass when it is your turn.",
        "sharing-circle", "adult", "member", "facilitated", "active", 12,
        {"all_of": [
            {"cohort": "adult"},
            {"any_of": [{"kind": "member"}, {"role": "support_session_leader"}, {"role": "on_spot_host"}]},
        ]},
    ),
    RoomSpec(
        "adult-sharing-circle-evening", "Evening Sharing Circle",
        "The same gentle turn-taking circle, held in the evening for those who work or study during the "
        "day.",
        "sharing-circle", "adult", "member", "facilitated", "active", 12,
        {"all_of": [
            {"cohort": "adult"},
            {"any_of": [{"kind": "member"}, {"role": "support_session_leader"}, {"role": "on_spot_host"}]},
        ]},
    ),
    RoomSpec(
        "adult-sharing-circle-regulars", "Regulars' Sharing Circle",
        "A circle for members who have attended at least ten sessions, where you can go a little deeper "
        "with familiar faces.",
        "sharing-circle", "adult", "member", "facilitated", "active", 10,
        {"all_of": [
            {"cohort": "adult"},
            {"any_of": [
                {"all_of": [{"kind": "member"}, {"badge": "sharing-circle-regular"}]},
                {"role": "support_session_leader"},
            ]},
        ]},
    ),
    # --- adults: listeners ---------------------------------------------------------------------------
    RoomSpec(
        "adult-listener-support", "Listener Support Room",
        "A place for verified listeners to get support of their own, ask for advice after a tough chat "
        "and recharge among people who understand the role.",
        "listener-support", "adult", "listener", "always_open", "active", 80,
        {"all_of": [{"cohort": "adult"}, {"kind": "listener"}, {"badge": "verified-listener"}]},
    ),
    RoomSpec(
        "adult-listener-lounge", "Listener Lounge",
        "A relaxed hangout for listeners to chat, share tips and get to know each other between "
        "conversations.",
        "listener-support", "adult", "listener", "always_open", "active", 100,
        {"all_of": [{"cohort": "adult"}, {"kind": "listener"}]},
    ),
    RoomSpec(
        "adult-listener-debrief", "Listener Debrief Room",
        "Step in here after a heavy conversation to decompress with other verified listeners, without "
        "sharing anything that identifies the person you supported.",
        "listener-support", "adult", "listener", "always_open", "active", 40,
        {"all_of": [{"cohort": "adult"}, {"kind": "listener"}, {"badge": "verified-listener"}]},
    ),
    RoomSpec(
        "adult-listener-night-debrief", "Night Owl Debrief",
        "A quiet debrief room for listeners covering the overnight 24/7 shifts, so nobody carries a hard "
        "night alone.",
        "listener-support", "adult", "listener", "always_open", "active", 30,
        {"all_of": [
            {"cohort": "adult"}, {"kind": "listener"}, {"badge": "verified-listener"}, {"badge": "night-owl"},
        ]},
    ),
    RoomSpec(
        "adult-listener-crisis-debrief", "Crisis Debrief Room",
        "For crisis-trained listeners to talk through an escalation they handled and check in on how they "
        "are feeling afterwards.",
        "listener-support", "adult", "listener", "always_open", "active", 25,
        {"all_of": [
            {"cohort": "adult"}, {"kind": "listener"},
            {"badge": "verified-listener"}, {"badge": "crisis-response-trained"},
        ]},
    ),
    RoomSpec(
        "adult-listener-mentoring", "Listener Mentoring Circle",
        "Experienced listeners in good standing mentor newer listeners through real questions about "
        "boundaries, tone and self-care.",
        "listener-support", "adult", "listener", "facilitated", "active", 20,
        {"all_of": [
            {"cohort": "adult"}, {"kind": "listener"}, {"badge": "verified-listener"},
            {"any_of": [{"badge": "listener-in-good-standing"}, {"role": "support_session_leader"}]},
        ]},
    ),
    RoomSpec(
        "adult-listener-self-care", "Listener Self-Care Circle",
        "A facilitated check-in on compassion fatigue and rest, because listeners need looking after too.",
        "listener-support", "adult", "listener", "facilitated", "active", 15,
        {"all_of": [{"cohort": "adult"}, {"kind": "listener"}, {"badge": "verified-listener"}]},
    ),
    # --- adults: facilitators and staff ----------------------------------------------------------------
    RoomSpec(
        "adult-moderators-room", "Chat Moderators' Room",
        "Where trained chat room moderators coordinate shifts, hand over ongoing situations and back each "
        "other up.",
        "facilitators", "adult", "both", "always_open", "active", 50,
        {"all_of": [{"cohort": "adult"}, {"badge": "chat-moderator-trained"}]},
    ),
    RoomSpec(
        "adult-session-leaders-huddle", "Session Leaders' Huddle",
        "Support Session Leaders and On-spot Hosts plan sessions, share openers that work and ask for "
        "cover.",
        "facilitators", "adult", "both", "always_open", "active", 50,
        {"all_of": [
            {"cohort": "adult"},
            {"any_of": [{"badge": "support-session-leader-trained"}, {"badge": "on-spot-host-trained"}]},
        ]},
    ),
    RoomSpec(
        "adult-on-spot-host-standby", "On-spot Host Standby",
        "On-spot Hosts wait here to be called into a room that suddenly needs a facilitator.",
        "facilitators", "adult", "both", "always_open", "active", 30,
        {"all_of": [
            {"cohort": "adult"}, {"badge": "on-spot-host-trained"},
            {"any_of": [{"role": "on_spot_host"}, {"role": "admin"}]},
        ]},
    ),
    RoomSpec(
        "adult-group-dynamics-graduates", "Group Dynamics Graduates",
        "A room for everyone who finished the Group Dynamics Course to keep learning from each other's "
        "sessions.",
        "facilitators", "adult", "both", "always_open", "active", 60,
        {"all_of": [{"cohort": "adult"}, {"badge": "group-dynamics-graduate"}]},
    ),
    RoomSpec(
        "adult-facilitation-practice", "Facilitation Practice Room",
        "Course graduates run practice sessions here under a session leader's eye before leading live "
        "rooms.",
        "facilitators", "adult", "both", "facilitated", "active", 15,
        {"all_of": [
            {"cohort": "adult"},
            {"any_of": [{"badge": "group-dynamics-graduate"}, {"role": "support_session_leader"}]},
        ]},
    ),
    RoomSpec(
        "adult-staff-office", "Staff Office",
        "The admins' working room for rota changes, escalations and anything that should not happen in "
        "public rooms.",
        "facilitators", "adult", "both", "always_open", "active", 25,
        {"all_of": [{"cohort": "adult"}, {"role": "admin"}]},
    ),
    # --- adults: trauma ----------------------------------------------------------------------------
    RoomSpec(
        "adult-trauma-support", "Trauma Support",
        "A gentle room for survivors of trauma to be heard at their own pace, with listeners trained in "
        "trauma-informed support. If you are in danger, please contact local emergency services.",
        "trauma", "adult", "both", "always_open", "active", 60,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "trauma-informed"}]}]},
    ),
    RoomSpec(
        "adult-trauma-survivors-session", "Trauma Survivors Session",
        "A facilitated session with a trauma-informed leader, where you choose how much to share and "
        "grounding breaks are built in. If you are in danger, please contact local emergency services.",
        "trauma", "adult", "member", "facilitated", "active", 15,
        {"all_of": [
            {"cohort": "adult"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"role": "support_session_leader"}, {"badge": "trauma-informed"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "adult-trauma-steady-ground", "Trauma Recovery: Steady Ground",
        "For established members further along in recovery who want to talk about rebuilding, trust and "
        "hope with people they know. If you are in danger, please contact local emergency services.",
        "trauma", "adult", "both", "always_open", "active", 40,
        {"all_of": [
            {"cohort": "adult"},
            {"any_of": [{"badge": "chief-chat"}, {"badge": "first-post"}]},
            {"badge": "compassion-hero"},
            {"any_of": [{"kind": "member"}, {"badge": "trauma-informed"}]},
        ]},
    ),
    RoomSpec(
        "adult-grounding-together", "Grounding Together",
        "When memories feel too close, come here to slow down with simple grounding exercises and calm "
        "company. If you are in danger, please contact local emergency services.",
        "trauma", "adult", "both", "always_open", "active", 50,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "trauma-informed"}]}]},
    ),
    RoomSpec(
        "adult-surviving-abuse", "Surviving Abuse",
        "A confidential space for people who have lived through abuse in a relationship or family, whether "
        "it is past or still happening. If you are in danger, please contact local emergency services, and "
        "remember you can leave this page at any time.",
        "trauma", "adult", "both", "always_open", "active", 40,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "trauma-informed"}]}]},
    ),
    # --- adults: personality disorders ---------------------------------------------------------------
    RoomSpec(
        "adult-personality-disorders-support", "Personality Disorders Support",
        "For anyone living with a personality disorder, diagnosed or wondering, to be met without stigma "
        "by peers and experienced listeners. If you are in danger, please contact local emergency services.",
        "personality-disorders", "adult", "both", "always_open", "active", 60,
        {"all_of": [
            {"cohort": "adult"},
            {"any_of": [{"kind": "member"}, {"badge": "listener-in-good-standing"}]},
        ]},
    ),
    RoomSpec(
        "adult-living-with-bpd", "Living with BPD",
        "Talk about intense emotions, fear of abandonment and the good days too, with people who know "
        "what borderline personality disorder can feel like. If you are in danger, please contact local "
        "emergency services.",
        "personality-disorders", "adult", "both", "always_open", "active", 50,
        {"all_of": [
            {"cohort": "adult"},
            {"any_of": [{"kind": "member"}, {"badge": "listener-in-good-standing"}]},
        ]},
    ),
    RoomSpec(
        "adult-personality-disorders-skills", "Personality Disorders: Coping Skills Session",
        "A facilitated peer session where members swap the coping skills that help them through hard "
        "moments. If you are in danger, please contact local emergency services.",
        "personality-disorders", "adult", "member", "facilitated", "active", 15,
        {"all_of": [
            {"cohort": "adult"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"role": "support_session_leader"}, {"badge": "listener-in-good-standing"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "adult-loved-ones-personality-disorders", "Loving Someone with a Personality Disorder",
        "For partners, family and friends who care about someone with a personality disorder and need a "
        "place to be honest about how it affects them. If you are in danger, please contact local "
        "emergency services.",
        "personality-disorders", "adult", "both", "always_open", "active", 40,
        {"all_of": [
            {"cohort": "adult"},
            {"any_of": [{"kind": "member"}, {"badge": "listener-in-good-standing"}]},
        ]},
    ),
    # --- adults: relationships ---------------------------------------------------------------------
    RoomSpec(
        "adult-relationship-support", "Relationship Support",
        "Talk through arguments, distance, trust or big decisions in a relationship with people who will "
        "listen before they advise.",
        "relationships", "adult", "both", "always_open", "active", 80,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-breakups", "Breakups and Heartbreak",
        "When a relationship ends and everything hurts, come and be with others who are mending too.",
        "relationships", "adult", "both", "always_open", "active", 60,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-dating", "Dating and New Relationships",
        "Nerves before a first date, mixed signals, or working out what you want: share it here without "
        "judgement.",
        "relationships", "adult", "both", "always_open", "active", 60,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-long-term-partnerships", "Long-term Partnerships",
        "For the everyday work of a long relationship or marriage, from chores and money to keeping "
        "closeness alive.",
        "relationships", "adult", "both", "always_open", "active", 50,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-friendship", "Friendship Troubles",
        "Drifting apart, a falling-out or feeling left out of the group chat: friendships matter, and so "
        "does their ending.",
        "relationships", "adult", "both", "always_open", "active", 50,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-divorce-separation", "Divorce and Separation",
        "Support through separation, co-parenting, moving out and starting again, whoever made the "
        "decision.",
        "relationships", "adult", "both", "always_open", "active", 50,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    # --- adults: anxiety, panic, OCD -----------------------------------------------------------------
    RoomSpec(
        "adult-anxiety-support", "Anxiety Support",
        "For racing thoughts, constant worry and the physical weight of anxiety, shared with people who "
        "get it.",
        "anxiety", "adult", "both", "always_open", "active", 100,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-social-anxiety", "Social Anxiety Room",
        "Typing is easier than talking for many of us, so take your time here and join in only when you "
        "feel ready.",
        "anxiety", "adult", "both", "always_open", "active", 60,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-health-anxiety", "Health Anxiety Room",
        "When worries about your health take over, talk with peers who understand the cycle of checking "
        "and reassurance; for medical questions, please see a doctor.",
        "anxiety", "adult", "both", "always_open", "active", 50,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-anxiety-session", "Anxiety Support Session",
        "A facilitated small-group session where members share what is making them anxious this week and "
        "what has helped.",
        "anxiety", "adult", "member", "facilitated", "active", 15,
        {"all_of": [
            {"cohort": "adult"},
            {"any_of": [{"kind": "member"}, {"role": "support_session_leader"}, {"role": "on_spot_host"}]},
        ]},
    ),
    RoomSpec(
        "adult-panic-support", "Panic Support",
        "If panic is rising right now, come in and breathe with us, then talk about it when the wave "
        "passes. If you have chest pain or feel physically unwell, please contact local emergency services.",
        "panic", "adult", "both", "always_open", "active", 60,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-ocd-support", "OCD Support",
        "A place to talk about intrusive thoughts and compulsions with people who will not be shocked, and "
        "who understand why reassurance is not always kind.",
        "ocd", "adult", "both", "always_open", "active", 50,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    # --- adults: depression and bipolar --------------------------------------------------------------
    RoomSpec(
        "adult-depression-support", "Depression Support",
        "For heavy days, empty days and everything in between, with people who will sit with you in it. "
        "If you are thinking of ending your life, please contact local emergency services or a crisis line now.",
        "depression", "adult", "both", "always_open", "active", 100,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-low-days-check-in", "Low Days Check-in",
        "Tell us one small thing you managed today, even if it was just opening this room. If you are in "
        "danger, please contact local emergency services or a crisis line now.",
        "depression", "adult", "both", "always_open", "active", 60,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-depression-session", "Depression Support Session",
        "A facilitated session for members living with depression to share and be heard in a small group. "
        "If you are in danger, please contact local emergency services or a crisis line now.",
        "depression", "adult", "member", "facilitated", "active", 15,
        {"all_of": [
            {"cohort": "adult"},
            {"any_of": [{"kind": "member"}, {"role": "support_session_leader"}, {"role": "on_spot_host"}]},
        ]},
    ),
    RoomSpec(
        "adult-winter-blues", "Winter Blues Room",
        "Opens during the darker months for anyone whose mood drops with the daylight. If you are in "
        "danger, please contact local emergency services or a crisis line now.",
        "depression", "adult", "both", "pop_up", "active", 60,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-bipolar-support", "Bipolar Support",
        "Share the highs, the lows and the in-between with people who live with bipolar disorder or are "
        "exploring whether it fits. If you are in danger, please contact local emergency services.",
        "bipolar", "adult", "both", "always_open", "active", 50,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    # --- adults: LGBTQ+ ----------------------------------------------------------------------------
    RoomSpec(
        "adult-lgbtq-support", "LGBTQ+ Support",
        "An affirming room for lesbian, gay, bisexual, trans, queer and questioning adults, with listeners "
        "who completed LGBTQ+ affirming training.",
        "lgbtq", "adult", "both", "always_open", "active", 80,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "lgbtq-ally"}]}]},
    ),
    RoomSpec(
        "adult-trans-nonbinary", "Trans and Nonbinary Space",
        "Talk about transition, dysphoria, joy and everyday life with people who will use your name and "
        "pronouns without question.",
        "lgbtq", "adult", "both", "always_open", "active", 50,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "lgbtq-ally"}]}]},
    ),
    RoomSpec(
        "adult-coming-out", "Coming Out Room",
        "Whether you are planning to come out, just did, or are not ready yet, you can think it through "
        "here at your own pace.",
        "lgbtq", "adult", "both", "always_open", "active", 50,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "lgbtq-ally"}]}]},
    ),
    RoomSpec(
        "adult-lgbtq-social", "LGBTQ+ Social Lounge",
        "A lighter LGBTQ+ room for chatting, sharing music and finding community beyond the hard stuff.",
        "lgbtq", "adult", "both", "always_open", "active", 80,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "lgbtq-ally"}]}]},
    ),
    # --- adults: loneliness ------------------------------------------------------------------------
    RoomSpec(
        "adult-loneliness-support", "Loneliness Support",
        "Feeling alone, even in a crowd, is hard to say out loud, and here you will find people who "
        "understand.",
        "loneliness", "adult", "both", "always_open", "active", 80,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-someone-to-talk-to", "Someone to Talk To",
        "No agenda, no topic: just come in and say hello to someone who is glad you did.",
        "loneliness", "adult", "both", "always_open", "active", 80,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-sunday-company", "Sunday Company",
        "Opens on Sunday afternoons and evenings, when the week ahead and the quiet house can feel "
        "heaviest.",
        "loneliness", "adult", "both", "pop_up", "active", 60,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-later-life-lounge", "Later Life Lounge",
        "For older adults facing retirement, an empty nest or a smaller circle of friends, to share "
        "stories and company.",
        "loneliness", "adult", "both", "always_open", "active", 50,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    # --- adults: grief -----------------------------------------------------------------------------
    RoomSpec(
        "adult-grief-support", "Grief and Loss Support",
        "Whoever you have lost and however long ago, your grief is welcome here, with listeners trained "
        "to support people through loss.",
        "grief", "adult", "both", "always_open", "active", 60,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "grief-companion"}]}]},
    ),
    RoomSpec(
        "adult-grief-circle", "Grief Circle",
        "A facilitated group where members remember the people they have lost and how they are carrying "
        "it, with a session leader guiding the conversation.",
        "grief", "adult", "member", "facilitated", "active", 12,
        {"all_of": [
            {"cohort": "adult"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"role": "support_session_leader"}, {"badge": "grief-companion"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "adult-pet-loss", "Pet Loss Room",
        "Losing an animal companion is real grief, and nobody here will tell you it was just a pet.",
        "grief", "adult", "both", "always_open", "active", 40,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "grief-companion"}]}]},
    ),
    RoomSpec(
        "adult-loss-to-suicide", "Loss to Suicide",
        "For people bereaved by suicide, to share the questions and feelings that this loss can bring. If "
        "you are having thoughts of ending your life, please contact local emergency services or a crisis line now.",
        "grief", "adult", "both", "always_open", "active", 30,
        {"all_of": [
            {"cohort": "adult"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "grief-companion"}, {"badge": "crisis-response-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "adult-pregnancy-baby-loss", "Pregnancy and Baby Loss",
        "A tender room for anyone who has lost a pregnancy or a baby, and for partners grieving alongside "
        "them.",
        "grief", "adult", "both", "always_open", "active", 30,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "grief-companion"}]}]},
    ),
    # --- adults: self-harm, eating, substances -------------------------------------------------------
    RoomSpec(
        "adult-self-harm-recovery", "Self-Harm Recovery",
        "Support for urges, setbacks and progress in recovery from self-harm, with crisis-trained "
        "listeners and no graphic detail. If you are hurt or in danger, please contact local emergency "
        "services now.",
        "self-harm-recovery", "adult", "both", "always_open", "active", 40,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "crisis-response-trained"}]}]},
    ),
    RoomSpec(
        "adult-self-harm-recovery-session", "Self-Harm Recovery Session",
        "A facilitated session where members share what helps them ride out urges, led by a crisis-trained "
        "leader. If you are hurt or in danger, please contact local emergency services now.",
        "self-harm-recovery", "adult", "member", "facilitated", "active", 12,
        {"all_of": [
            {"cohort": "adult"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"role": "support_session_leader"}, {"badge": "crisis-response-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "adult-eating-concerns", "Eating Concerns Support",
        "A room for struggles with food, eating and control, where we never discuss numbers, weights or "
        "calories. If you are in danger or physically unwell, please contact local emergency services.",
        "eating-concerns", "adult", "both", "always_open", "active", 40,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-body-image", "Body Image Room",
        "For the days when the mirror feels like an enemy, to talk kindly about bodies of every shape, "
        "size and ability.",
        "body-image", "adult", "both", "always_open", "active", 50,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-substance-recovery", "Substance Recovery",
        "Whether you are cutting down, newly sober or years in, find peers who respect your path in "
        "recovery. If you are in danger or unwell after using, please contact local emergency services.",
        "substance-recovery", "adult", "both", "always_open", "active", 60,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-alcohol-free-living", "Alcohol-Free Living",
        "Swap ideas for evenings, celebrations and hard days without alcohol, and mark your milestones "
        "with people who cheer. If you are in danger or unwell, please contact local emergency services.",
        "substance-recovery", "adult", "both", "always_open", "active", 50,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-recovery-session", "Recovery Check-in Session",
        "A facilitated weekly check-in for members in recovery to share wins, slips and plans in a small "
        "group. If you are in danger or unwell, please contact local emergency services.",
        "substance-recovery", "adult", "member", "facilitated", "active", 15,
        {"all_of": [
            {"cohort": "adult"},
            {"any_of": [{"kind": "member"}, {"role": "support_session_leader"}]},
        ]},
    ),
    RoomSpec(
        "adult-loved-ones-in-recovery", "Loved Ones of People in Recovery",
        "For families and friends of someone who is using or in recovery, to talk about worry, boundaries "
        "and hope. If someone is in danger, please contact local emergency services.",
        "substance-recovery", "adult", "both", "always_open", "active", 40,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    # --- adults: parenting, family, caregivers ---------------------------------------------------------
    RoomSpec(
        "adult-parenting-support", "Parenting Support",
        "Tantrums, teenagers, guilt and exhaustion: bring the parts of parenting nobody posts about.",
        "parenting", "adult", "both", "always_open", "active", 60,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-new-parents", "New Parents Room",
        "For sleepless new parents and parents-to-be adjusting to life with a baby, including the feelings "
        "that surprise you.",
        "parenting", "adult", "both", "always_open", "active", 50,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-parents-of-teens", "Parents of Teens",
        "When your teenager stops talking to you or is going through something big, share your worries "
        "with other parents.",
        "parenting", "adult", "both", "always_open", "active", 50,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-single-parents", "Single Parents",
        "Doing it on your own is a lot, so come and be among people who know the juggling act.",
        "parenting", "adult", "both", "always_open", "active", 40,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-family-conflict", "Family Conflict",
        "Difficult parents, siblings or in-laws: talk through the tension and the love that often sits "
        "beside it.",
        "family", "adult", "both", "always_open", "active", 50,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-family-estrangement", "Family Estrangement",
        "For those who have stepped back from family, or been cut off, and are living with the grief and "
        "relief that can bring.",
        "family", "adult", "both", "always_open", "active", 40,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-caregivers-support", "Caregivers Support",
        "For people caring for a partner, parent, child or friend, who rarely get asked how they are "
        "doing.",
        "caregivers", "adult", "both", "always_open", "active", 50,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-dementia-caregivers", "Caring for Someone with Dementia",
        "Share the long goodbye, the practical strain and the small moments of connection with others "
        "caring for someone with dementia.",
        "caregivers", "adult", "both", "always_open", "active", 40,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    # --- adults: health, disability, work --------------------------------------------------------------
    RoomSpec(
        "adult-chronic-illness", "Chronic Illness Support",
        "For living with a long-term condition, the appointments, the fatigue and the people who do not "
        "understand; this is peer support, not medical advice.",
        "chronic-illness", "adult", "both", "always_open", "active", 50,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-chronic-pain", "Chronic Pain Room",
        "Talk about pain that does not go away, and how it shapes your days, with people who believe you.",
        "chronic-illness", "adult", "both", "always_open", "active", 40,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-disability-community", "Disability Community",
        "A room led by the experiences of disabled adults, for support, solidarity and everyday "
        "conversation.",
        "disability", "adult", "both", "always_open", "active", 50,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-work-stress", "Work Stress",
        "Deadlines, difficult bosses and burnout: vent about work and think through what you might do "
        "next.",
        "work-and-study", "adult", "both", "always_open", "active", 80,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-job-loss", "Job Loss and Job Hunting",
        "For the knock to your confidence after losing a job and the grind of applications, with "
        "encouragement from people in the same place.",
        "work-and-study", "adult", "both", "always_open", "active", 50,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-university-life", "University Life",
        "For students over eighteen dealing with deadlines, homesickness and figuring out who they are "
        "away from home.",
        "work-and-study", "adult", "both", "always_open", "active", 60,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-money-worries", "Money Worries",
        "Debt, bills and the shame that often comes with them: talk openly and share where people found "
        "practical help.",
        "financial-stress", "adult", "both", "always_open", "active", 50,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-workplace-bullying", "Workplace Bullying",
        "If someone at work is belittling, excluding or intimidating you, you do not have to face it alone.",
        "bullying", "adult", "both", "always_open", "active", 40,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    # --- adults: wellbeing and other topics -----------------------------------------------------------
    RoomSpec(
        "adult-mindful-moments", "Mindful Moments",
        "Pause for a few minutes with short mindfulness prompts and share what you noticed, or just read "
        "along.",
        "mindfulness", "adult", "both", "always_open", "active", 80,
        {"cohort": "adult"},
    ),
    RoomSpec(
        "adult-breathing-break", "Breathing Break",
        "A facilitated ten-minute session of slow breathing and gentle check-ins, open whenever a host is "
        "on duty.",
        "mindfulness", "adult", "both", "facilitated", "active", 40,
        {"cohort": "adult"},
    ),
    RoomSpec(
        "adult-cant-sleep", "Can't Sleep Room",
        "Awake when you wish you were not? Keep each other company and share what helps you wind down.",
        "sleep", "adult", "both", "always_open", "active", 80,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-adhd-support", "ADHD Support",
        "Talk about focus, forgetfulness, overwhelm and the strengths of an ADHD brain, with no lectures "
        "about trying harder.",
        "adhd", "adult", "both", "always_open", "active", 60,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-body-doubling", "Body Doubling Room",
        "Say what task you are starting, work alongside others, and check back in when you are done.",
        "adhd", "adult", "both", "always_open", "active", 60,
        {"cohort": "adult"},
    ),
    RoomSpec(
        "adult-autistic-adults", "Autistic Adults Space",
        "A room by and for autistic adults, with clear conversation, no pressure to mask and room for "
        "special interests.",
        "autism", "adult", "both", "always_open", "active", 50,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-anger-frustration", "Anger and Frustration",
        "Vent what is boiling over in words rather than actions, and talk about what lies beneath the "
        "anger.",
        "anger", "adult", "both", "always_open", "active", 50,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-self-esteem", "Self-Esteem Room",
        "For the harsh inner critic and the slow work of treating yourself as kindly as you treat others.",
        "self-esteem", "adult", "both", "always_open", "active", 60,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-everyday-stress", "Everyday Stress",
        "When lots of small things are piling up, untangle them one at a time with people who will help "
        "you think.",
        "stress", "adult", "both", "always_open", "active", 80,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-military-veterans", "Military and Veterans",
        "For service members, veterans and their families to talk about deployment, coming home and "
        "everything after. If you are in danger, please contact local emergency services or a crisis line.",
        "military-and-veterans", "adult", "both", "always_open", "active", 40,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "trauma-informed"}]}]},
    ),
    RoomSpec(
        "adult-faith-spirituality", "Faith and Spirituality",
        "A respectful room to talk about faith, doubt, meaning and spiritual practice, whatever your "
        "beliefs or none.",
        "faith-and-spirituality", "adult", "both", "always_open", "active", 50,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-peer-supporters", "Peer Supporters' Room",
        "For established members who have become a steady, compassionate presence, to support each other "
        "and share what they have learned.",
        "community", "adult", "both", "always_open", "active", 40,
        {"all_of": [
            {"cohort": "adult"},
            {"any_of": [{"badge": "chief-chat"}, {"badge": "first-post"}]},
            {"badge": "compassion-hero"},
        ]},
    ),
    # --- adults: special events --------------------------------------------------------------------
    RoomSpec(
        "adult-event-new-year-check-in", "New Year Check-in",
        "A pop-up room around New Year for hopes, regrets and gentle intentions, with no pressure to "
        "reinvent yourself.",
        "special-event", "adult", "both", "pop_up", "active", 150,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-event-holiday-support", "Holiday Season Support",
        "Opens over the end-of-year holidays for anyone finding them lonely, painful or overwhelming. If "
        "you are in danger, please contact local emergency services or a crisis line.",
        "special-event", "adult", "both", "pop_up", "active", 200,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-event-awareness-week", "Mental Health Awareness Week Chat",
        "A pop-up room during Mental Health Awareness Week to share your story, or simply read others', and "
        "talk about reducing stigma.",
        "special-event", "adult", "both", "pop_up", "active", 150,
        {"cohort": "adult"},
    ),
    RoomSpec(
        "adult-event-pride-gathering", "Pride Month Gathering",
        "Celebrate, reflect and connect during Pride Month in an affirming room for LGBTQ+ adults and "
        "allies.",
        "special-event", "adult", "both", "pop_up", "active", 150,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "lgbtq-ally"}]}]},
    ),
    RoomSpec(
        "adult-event-kindness-day", "World Kindness Day",
        "Share a kindness you gave or received and leave a note of encouragement for a stranger.",
        "special-event", "adult", "both", "pop_up", "active", 150,
        {"cohort": "adult"},
    ),
    RoomSpec(
        "adult-event-ask-a-listener", "Ask a Listener",
        "A scheduled Q&A where verified listeners answer members' questions about what listening is like "
        "and how to get the most from a chat.",
        "special-event", "adult", "both", "pop_up", "active", 100,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "verified-listener"}]}]},
    ),
    RoomSpec(
        "adult-event-open-mic", "Open Mic Night",
        "A monthly pop-up where members and listeners share poems, stories and songs, and the audience "
        "claps in emoji.",
        "special-event", "adult", "both", "pop_up", "active", 100,
        {"cohort": "adult"},
    ),
    RoomSpec(
        "adult-event-hard-holidays", "Hard Days: Mother's and Father's Day",
        "Opens around Mother's Day and Father's Day for anyone those days are painful for, whether through "
        "loss, estrangement or longing.",
        "special-event", "adult", "both", "pop_up", "active", 80,
        {"all_of": [{"cohort": "adult"}, {"any_of": [{"kind": "member"}, {"badge": "grief-companion"}]}]},
    ),
    RoomSpec(
        "adult-event-listener-appreciation", "Listener Appreciation Day",
        "Members and staff say thank you to the volunteers who listen, and listeners share why they do it.",
        "special-event", "adult", "both", "pop_up", "active", 150,
        {"cohort": "adult"},
    ),
    RoomSpec(
        "adult-event-hearth-birthday", "Hearth Birthday Party",
        "Our yearly pop-up celebration of the community, with games, memories and a look at what is coming "
        "next.",
        "special-event", "adult", "both", "pop_up", "active", 200,
        {"cohort": "adult"},
    ),
    # --- teens: 24/7 support -----------------------------------------------------------------------
    RoomSpec(
        "teen-24-7-support", "Teen 24/7 Support Room",
        "The main room for teens aged 13 to 17 who need to talk, any time of day or night, with "
        "listeners trained in teen safety. If you are in danger, tell a trusted adult or contact local "
        "emergency services right away.",
        "general-support", "teen", "both", "always_open", "active", 200,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-24-7-americas", "Teen 24/7 Support: Americas",
        "Round-the-clock teen support that is busiest after school across North and South America. If you "
        "are in danger, tell a trusted adult or contact local emergency services right away.",
        "general-support", "teen", "both", "always_open", "active", 150,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-24-7-europe-africa", "Teen 24/7 Support: Europe and Africa",
        "Round-the-clock teen support that is busiest after school across Europe and Africa. If you are in "
        "danger, tell a trusted adult or contact local emergency services right away.",
        "general-support", "teen", "both", "always_open", "active", 150,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-24-7-asia-pacific", "Teen 24/7 Support: Asia-Pacific",
        "Round-the-clock teen support that is busiest after school across Asia and the Pacific. If you are "
        "in danger, tell a trusted adult or contact local emergency services right away.",
        "general-support", "teen", "both", "always_open", "active", 150,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-24-7-late-night", "Teen 24/7 Late Night Room",
        "When you can't switch off at night, talk quietly with other teens and trained listeners until you "
        "feel calmer. If you are in danger, tell a trusted adult or contact local emergency services right away.",
        "general-support", "teen", "both", "always_open", "active", 120,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-24-7-vent", "Teen 24/7 Vent Room",
        "Let off steam about school, home or anything else, and be heard without a lecture. If you are in "
        "danger, tell a trusted adult or contact local emergency services right away.",
        "general-support", "teen", "both", "always_open", "active", 120,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    # --- teens: community --------------------------------------------------------------------------
    RoomSpec(
        "teen-community-hangout", "Teen Hangout",
        "The easy-going teen common room for chatting about your day, your shows and whatever is on your "
        "mind.",
        "community", "teen", "both", "always_open", "active", 150,
        {"all_of": [{"cohort": "teen"}, {"any_of": [{"kind": "member"}, {"badge": "teen-safety-trained"}]}]},
    ),
    RoomSpec(
        "teen-community-good-news", "Teen Good News",
        "Passed a test, made a friend or just had a decent day? Share it and let others cheer you on.",
        "community", "teen", "both", "always_open", "active", 100,
        {"all_of": [{"cohort": "teen"}, {"any_of": [{"kind": "member"}, {"badge": "teen-safety-trained"}]}]},
    ),
    RoomSpec(
        "teen-community-games", "Teen Games Room",
        "Word games, riddles and silly polls for when you need a break from everything.",
        "community", "teen", "both", "always_open", "active", 100,
        {"all_of": [{"cohort": "teen"}, {"any_of": [{"kind": "member"}, {"badge": "teen-safety-trained"}]}]},
    ),
    RoomSpec(
        "teen-community-music", "Teen Music Room",
        "Share the songs on repeat right now and find new favourites from other teens.",
        "community", "teen", "both", "always_open", "active", 80,
        {"all_of": [{"cohort": "teen"}, {"any_of": [{"kind": "member"}, {"badge": "teen-safety-trained"}]}]},
    ),
    RoomSpec(
        "teen-community-pets", "Teen Pets Room",
        "Tell everyone about your pets, the ones you have and the ones you are still begging for.",
        "community", "teen", "both", "always_open", "active", 60,
        {"all_of": [{"cohort": "teen"}, {"any_of": [{"kind": "member"}, {"badge": "teen-safety-trained"}]}]},
    ),
    RoomSpec(
        "teen-creative-corner", "Teen Art and Writing Corner",
        "Share drawings, stories, poems and playlists you made, and get kind encouragement from other teens.",
        "creative-expression", "teen", "both", "always_open", "active", 80,
        {"all_of": [{"cohort": "teen"}, {"any_of": [{"kind": "member"}, {"badge": "teen-safety-trained"}]}]},
    ),
    RoomSpec(
        "teen-peer-supporters", "Teen Peer Supporters' Room",
        "For teens who have become a steady, caring presence in group chat, to support each other and swap "
        "what they have learned.",
        "community", "teen", "both", "always_open", "active", 40,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [{"badge": "chief-chat"}, {"badge": "first-post"}]},
            {"badge": "compassion-hero"},
            {"any_of": [{"kind": "member"}, {"badge": "teen-safety-trained"}]},
        ]},
    ),
    # --- teens: new members ------------------------------------------------------------------------
    RoomSpec(
        "teen-welcome-room", "Teen Welcome Room",
        "Just joined? Say hi, learn how rooms and badges work, and meet teens who are happy to show you "
        "around.",
        "new-members", "teen", "both", "always_open", "active", 100,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"all_of": [
                    {"kind": "member"},
                    {"any_of": [{"not": {"badge": "chief-chat"}}, {"badge": "welcome-wagon"}]},
                ]},
                {"all_of": [{"kind": "listener"}, {"badge": "welcome-wagon"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-new-member-questions", "Teen New Member Questions",
        "Ask anything about how Hearth works, staying safe online or finding the right room, and someone "
        "will help.",
        "new-members", "teen", "both", "always_open", "active", 80,
        {"all_of": [{"cohort": "teen"}, {"any_of": [{"kind": "member"}, {"badge": "teen-safety-trained"}]}]},
    ),
    # --- teens: sharing circles ----------------------------------------------------------------------
    RoomSpec(
        "teen-sharing-circle", "Teen Sharing Circle",
        "A small, facilitated circle where teens take turns to share while everyone else listens. You can "
        "always pass when it is your turn.",
        "sharing-circle", "teen", "member", "facilitated", "active", 10,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [
                    {"any_of": [{"role": "support_session_leader"}, {"role": "on_spot_host"}]},
                    {"badge": "teen-safety-trained"},
                ]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-sharing-circle-weekend", "Teen Weekend Sharing Circle",
        "The same gentle turn-taking circle at the weekend, when there is more time to talk about the week.",
        "sharing-circle", "teen", "member", "facilitated", "active", 10,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [
                    {"any_of": [{"role": "support_session_leader"}, {"role": "on_spot_host"}]},
                    {"badge": "teen-safety-trained"},
                ]},
            ]},
        ]},
    ),
    # --- teens: listeners --------------------------------------------------------------------------
    RoomSpec(
        "teen-listener-support", "Teen Listener Support Room",
        "A place for verified teen listeners to get support of their own and ask for advice after a hard "
        "conversation.",
        "listener-support", "teen", "listener", "always_open", "active", 60,
        {"all_of": [
            {"cohort": "teen"}, {"kind": "listener"},
            {"badge": "verified-listener"}, {"badge": "teen-safety-trained"},
        ]},
    ),
    RoomSpec(
        "teen-listener-lounge", "Teen Listener Lounge",
        "A relaxed hangout for teen listeners to chat, swap tips and get to know each other.",
        "listener-support", "teen", "listener", "always_open", "active", 80,
        {"all_of": [{"cohort": "teen"}, {"kind": "listener"}, {"badge": "teen-safety-trained"}]},
    ),
    RoomSpec(
        "teen-listener-debrief", "Teen Listener Debrief Room",
        "Decompress after a heavy chat with other verified teen listeners, without sharing anything that "
        "identifies the person you helped.",
        "listener-support", "teen", "listener", "always_open", "active", 30,
        {"all_of": [
            {"cohort": "teen"}, {"kind": "listener"},
            {"badge": "verified-listener"}, {"badge": "teen-safety-trained"},
        ]},
    ),
    # --- teens: facilitators -----------------------------------------------------------------------
    RoomSpec(
        "teen-moderators-room", "Teen Moderators' Room",
        "Where trained teen chat moderators coordinate shifts, hand over situations and check on each "
        "other.",
        "facilitators", "teen", "both", "always_open", "active", 30,
        {"all_of": [{"cohort": "teen"}, {"badge": "chat-moderator-trained"}, {"badge": "teen-safety-trained"}]},
    ),
    RoomSpec(
        "teen-session-leaders-huddle", "Teen Session Leaders' Huddle",
        "Teen session leaders and hosts plan sessions and share what worked, with teen safety always first.",
        "facilitators", "teen", "both", "always_open", "active", 30,
        {"all_of": [
            {"cohort": "teen"},
            {"badge": "teen-safety-trained"},
            {"any_of": [{"badge": "support-session-leader-trained"}, {"badge": "on-spot-host-trained"}]},
        ]},
    ),
    # --- teens: topic rooms ------------------------------------------------------------------------
    RoomSpec(
        "teen-trauma-support", "Teen Trauma Support",
        "A gentle room for teens who have been through something frightening or painful, with listeners "
        "trained in trauma and teen safety. If you are in danger, tell a trusted adult or contact local "
        "emergency services.",
        "trauma", "teen", "both", "always_open", "active", 40,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "trauma-informed"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-trauma-session", "Teen Trauma Support Session",
        "A facilitated small-group session where you decide how much to share and grounding breaks are "
        "built in. If you are in danger, tell a trusted adult or contact local emergency services.",
        "trauma", "teen", "member", "facilitated", "active", 10,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [
                    {"role": "support_session_leader"},
                    {"badge": "trauma-informed"},
                    {"badge": "teen-safety-trained"},
                ]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-personality-disorders-support", "Teen Personality Disorders Support",
        "For teens living with, or wondering about, a personality disorder, including intense emotions and "
        "relationships that feel like a rollercoaster. If you are in danger, tell a trusted adult or contact "
        "local emergency services.",
        "personality-disorders", "teen", "both", "always_open", "active", 40,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "listener-in-good-standing"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-relationship-support", "Teen Relationship Support",
        "Crushes, dating, breakups and figuring out what a healthy relationship looks like, talked through "
        "with other teens.",
        "relationships", "teen", "both", "always_open", "active", 80,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-friendship", "Teen Friendship Room",
        "Friend drama, feeling left out or losing a best friend: get it off your chest with people who get it.",
        "relationships", "teen", "both", "always_open", "active", 80,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-anxiety-support", "Teen Anxiety Support",
        "For worries that will not switch off, about school, friends, the future or nothing you can name.",
        "anxiety", "teen", "both", "always_open", "active", 100,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-social-anxiety", "Teen Social Anxiety Room",
        "If talking in class or walking into a party feels impossible, you are among friends here, so go "
        "at your own pace.",
        "anxiety", "teen", "both", "always_open", "active", 60,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-panic-support", "Teen Panic Support",
        "If panic is building right now, come and breathe with us until the wave passes. If you feel "
        "physically unwell, tell a trusted adult or contact local emergency services.",
        "panic", "teen", "both", "always_open", "active", 50,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-ocd-support", "Teen OCD Support",
        "Talk about intrusive thoughts and rituals with teens who understand, and who will not judge what "
        "your brain throws at you.",
        "ocd", "teen", "both", "always_open", "active", 40,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-depression-support", "Teen Depression Support",
        "For days when everything feels grey or pointless, with teens and trained listeners who will stay "
        "with you. If you are thinking of ending your life, tell a trusted adult or contact local emergency "
        "services now.",
        "depression", "teen", "both", "always_open", "active", 100,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-depression-session", "Teen Depression Support Session",
        "A facilitated small-group session for teens living with low mood to share and be heard. If you are "
        "in danger, tell a trusted adult or contact local emergency services now.",
        "depression", "teen", "member", "facilitated", "active", 12,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"role": "support_session_leader"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-lgbtq-support", "Teen LGBTQ+ Support",
        "An affirming room for lesbian, gay, bi, trans, queer and questioning teens, with listeners trained "
        "in LGBTQ+ support and teen safety.",
        "lgbtq", "teen", "both", "always_open", "active", 80,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "lgbtq-ally"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-trans-nonbinary", "Teen Trans and Nonbinary Space",
        "A room for trans, nonbinary and questioning teens, where your name and pronouns are respected "
        "every time.",
        "lgbtq", "teen", "both", "always_open", "active", 50,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "lgbtq-ally"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-coming-out", "Teen Coming Out Room",
        "Thinking about coming out to friends or family, or not ready yet? Talk it through here, and put "
        "your safety first.",
        "lgbtq", "teen", "both", "always_open", "active", 50,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "lgbtq-ally"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-loneliness-support", "Teen Loneliness Support",
        "Feeling like nobody gets you, or like you have nobody to sit with? Come and find some company here.",
        "loneliness", "teen", "both", "always_open", "active", 80,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-grief-support", "Teen Grief and Loss Support",
        "For teens who have lost a parent, grandparent, friend or pet, with listeners trained in grief "
        "support and teen safety.",
        "grief", "teen", "both", "always_open", "active", 40,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "grief-companion"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-grief-circle", "Teen Grief Circle",
        "A facilitated group where teens talk about someone they have lost and how they are coping, with a "
        "session leader guiding the conversation.",
        "grief", "teen", "member", "facilitated", "active", 10,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [
                    {"role": "support_session_leader"},
                    {"badge": "grief-companion"},
                    {"badge": "teen-safety-trained"},
                ]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-self-harm-recovery", "Teen Self-Harm Recovery",
        "Support with urges, setbacks and progress, with crisis-trained listeners and no graphic details. "
        "If you are hurt or in danger, tell a trusted adult or contact local emergency services now.",
        "self-harm-recovery", "teen", "both", "always_open", "active", 30,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "crisis-response-trained"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-eating-concerns", "Teen Eating Concerns Support",
        "For teens struggling with food and eating, in a room where numbers, weights and calories are never "
        "discussed. If you feel unwell or unsafe, tell a trusted adult or contact local emergency services.",
        "eating-concerns", "teen", "both", "always_open", "active", 30,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-body-image", "Teen Body Image Room",
        "Social media makes it hard to like your reflection, so come and talk kindly about bodies, "
        "including your own.",
        "body-image", "teen", "both", "always_open", "active", 50,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-substance-support", "Teen Vaping, Drinking and Drugs",
        "Talk honestly and without judgement about worries over your own use, a friend's, or pressure to "
        "try something. If someone is unwell or in danger, tell a trusted adult or contact local emergency services.",
        "substance-recovery", "teen", "both", "always_open", "active", 40,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-family-support", "Teen Family Support",
        "Arguments at home, strict rules, siblings or feeling unheard by the adults around you: talk it "
        "through here. If you are not safe at home, tell a trusted adult or contact local emergency services.",
        "family", "teen", "both", "always_open", "active", 60,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-parents-splitting-up", "Teen: When Parents Split Up",
        "For teens whose parents are separating or divorced, moving between homes or dealing with new "
        "families.",
        "family", "teen", "both", "always_open", "active", 40,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-young-carers", "Teen Young Carers",
        "For teens who help look after a parent, sibling or grandparent and are juggling it with school and "
        "everything else.",
        "caregivers", "teen", "both", "always_open", "active", 30,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-school-stress", "Teen School Stress",
        "Homework piles, strict teachers and the pressure to do well: vent, plan and encourage each other.",
        "work-and-study", "teen", "both", "always_open", "active", 100,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-future-worries", "Teen Future Worries",
        "College, jobs, leaving home or not knowing what you want yet: think out loud with other teens.",
        "work-and-study", "teen", "both", "always_open", "active", 60,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-bullying-support", "Teen Bullying Support",
        "If you are being picked on, left out or threatened, you do not have to deal with it alone, and "
        "we can help you think about who to tell.",
        "bullying", "teen", "both", "always_open", "active", 60,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-cyberbullying", "Teen Cyberbullying Room",
        "For hurtful messages, group chats and posts that follow you home, and ideas for blocking, "
        "reporting and getting support.",
        "bullying", "teen", "both", "always_open", "active", 50,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-mindfulness", "Teen Mindful Minutes",
        "Short calming prompts and breathing exercises you can do anywhere, even between classes.",
        "mindfulness", "teen", "both", "always_open", "active", 60,
        {"all_of": [{"cohort": "teen"}, {"any_of": [{"kind": "member"}, {"badge": "teen-safety-trained"}]}]},
    ),
    RoomSpec(
        "teen-cant-sleep", "Teen Can't Sleep Room",
        "Lying awake with your thoughts? Keep each other company and share what helps you wind down.",
        "sleep", "teen", "both", "always_open", "active", 60,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-adhd-support", "Teen ADHD Support",
        "Talk about focus, homework battles and the upsides of an ADHD brain with teens who get it.",
        "adhd", "teen", "both", "always_open", "active", 50,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-autistic-teens", "Autistic Teens Space",
        "A clear, low-pressure room by and for autistic teens, with room for special interests and no need "
        "to mask.",
        "autism", "teen", "both", "always_open", "active", 40,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-anger", "Teen Anger and Frustration",
        "Furious about something? Type it out here instead of holding it in, and talk about what is under it.",
        "anger", "teen", "both", "always_open", "active", 40,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-self-esteem", "Teen Self-Esteem Room",
        "For the voice that says you are not good enough, and for practising being a little kinder to "
        "yourself.",
        "self-esteem", "teen", "both", "always_open", "active", 60,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-chronic-illness", "Teen Chronic Illness Support",
        "For teens managing a long-term health condition alongside school and friends; this is peer "
        "support, so please take medical questions to a doctor or trusted adult.",
        "chronic-illness", "teen", "both", "always_open", "active", 30,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    # --- teens: special events ---------------------------------------------------------------------
    RoomSpec(
        "teen-event-exam-season", "Teen Exam Season Drop-in",
        "A pop-up room during exam season for revision buddies, study breaks and calming pre-exam nerves.",
        "special-event", "teen", "both", "pop_up", "active", 150,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-event-results-day", "Teen Results Day Support",
        "Opens on results days so nobody opens that envelope alone, whether the news is good, bad or "
        "confusing.",
        "special-event", "teen", "both", "pop_up", "active", 150,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-event-back-to-school", "Teen Back to School",
        "A pop-up for first-day nerves, new schools and new timetables at the start of the school year.",
        "special-event", "teen", "both", "pop_up", "active", 150,
        {"all_of": [{"cohort": "teen"}, {"any_of": [{"kind": "member"}, {"badge": "teen-safety-trained"}]}]},
    ),
    RoomSpec(
        "teen-event-summer-hangout", "Teen Summer Hangout",
        "Opens during the summer break for teens who miss the routine of school or feel bored and cut off.",
        "special-event", "teen", "both", "pop_up", "active", 120,
        {"all_of": [{"cohort": "teen"}, {"any_of": [{"kind": "member"}, {"badge": "teen-safety-trained"}]}]},
    ),
    RoomSpec(
        "teen-event-pride", "Teen Pride Celebration",
        "Celebrate Pride Month with LGBTQ+ teens and allies in a safe, affirming pop-up room.",
        "special-event", "teen", "both", "pop_up", "active", 120,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "lgbtq-ally"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    RoomSpec(
        "teen-event-awareness-week", "Teen Mental Health Awareness Week",
        "Share what helps you, read other teens' stories and talk about making it easier to ask for help.",
        "special-event", "teen", "both", "pop_up", "active", 150,
        {"all_of": [{"cohort": "teen"}, {"any_of": [{"kind": "member"}, {"badge": "teen-safety-trained"}]}]},
    ),
    RoomSpec(
        "teen-event-holiday-support", "Teen Holiday Season Support",
        "Opens over the end-of-year holidays for teens finding them stressful, lonely or hard at home. If "
        "you are not safe, tell a trusted adult or contact local emergency services.",
        "special-event", "teen", "both", "pop_up", "active", 150,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [
                {"kind": "member"},
                {"all_of": [{"badge": "verified-listener"}, {"badge": "teen-safety-trained"}]},
            ]},
        ]},
    ),
    # --- archived ----------------------------------------------------------------------------------
    # Kept so old message history stays attached to a room; none of these accept new joins.
    RoomSpec(
        "adult-24-7-legacy-main", "24/7 Support Room (Legacy)",
        "The original single 24/7 room, retired when round-the-clock support was split by region. Please "
        "join one of the current 24/7 rooms instead.",
        "general-support", "adult", "both", "always_open", "archived", 250,
        {"cohort": "adult"},
    ),
    RoomSpec(
        "adult-anxiety-depression-combined", "Anxiety and Depression (Combined)",
        "A combined room retired in favour of separate anxiety and depression rooms, which you will find "
        "in the topic list.",
        "anxiety", "adult", "both", "always_open", "archived", 100,
        {"cohort": "adult"},
    ),
    RoomSpec(
        "adult-lockdown-support", "Lockdown Support",
        "Opened during the pandemic lockdowns for isolation and uncertainty, and archived once its regulars "
        "had moved to the loneliness rooms.",
        "loneliness", "adult", "both", "always_open", "archived", 150,
        {"cohort": "adult"},
    ),
    RoomSpec(
        "adult-event-holiday-support-2023", "Holiday Season Support 2023",
        "Last year's holiday pop-up, kept for its history; this year's room opens in December.",
        "special-event", "adult", "both", "pop_up", "archived", 200,
        {"cohort": "adult"},
    ),
    RoomSpec(
        "adult-event-launch-party", "Hearth Launch Party",
        "The pop-up room where the community first gathered on launch day, now kept as a keepsake.",
        "special-event", "adult", "both", "pop_up", "archived", 200,
        {"cohort": "adult"},
    ),
    RoomSpec(
        "adult-listener-lounge-beta", "Listener Lounge (Beta)",
        "The trial version of the listener lounge, replaced by the current Listener Lounge.",
        "listener-support", "adult", "listener", "always_open", "archived", 50,
        {"all_of": [{"cohort": "adult"}, {"kind": "listener"}]},
    ),
    RoomSpec(
        "adult-gaming-lounge-old", "Gaming Lounge (Old)",
        "A gaming chat room merged into the Games Room to keep conversations in one place.",
        "community", "adult", "both", "always_open", "archived", 100,
        {"cohort": "adult"},
    ),
    RoomSpec(
        "teen-24-7-legacy", "Teen 24/7 Support Room (Legacy)",
        "The first teen 24/7 room, retired when teen support was split by region. Please join one of the "
        "current teen 24/7 rooms.",
        "general-support", "teen", "both", "always_open", "archived", 200,
        {"all_of": [{"cohort": "teen"}, {"any_of": [{"kind": "member"}, {"badge": "teen-safety-trained"}]}]},
    ),
    RoomSpec(
        "teen-event-exam-season-2024", "Teen Exam Season Drop-in 2024",
        "Last year's exam season pop-up, kept for its history; the current drop-in opens before exams.",
        "special-event", "teen", "both", "pop_up", "archived", 150,
        {"all_of": [{"cohort": "teen"}, {"any_of": [{"kind": "member"}, {"badge": "teen-safety-trained"}]}]},
    ),
    RoomSpec(
        "teen-homework-help", "Teen Homework Help",
        "Retired because homework questions crowded out emotional support; school stress is welcome in "
        "Teen School Stress.",
        "work-and-study", "teen", "both", "always_open", "archived", 100,
        {"all_of": [{"cohort": "teen"}, {"any_of": [{"kind": "member"}, {"badge": "teen-safety-trained"}]}]},
    ),
    RoomSpec(
        "teen-lgbtq-pilot", "Teen LGBTQ+ Pilot Room",
        "The pilot that became Teen LGBTQ+ Support, archived once the permanent room opened.",
        "lgbtq", "teen", "both", "always_open", "archived", 60,
        {"all_of": [
            {"cohort": "teen"},
            {"any_of": [{"kind": "member"}, {"all_of": [{"badge": "lgbtq-ally"}, {"badge": "teen-safety-trained"}]}]},
        ]},
    ),
)
