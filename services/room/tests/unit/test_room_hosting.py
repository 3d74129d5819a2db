"""Unit tests of hosting quotas: the rule (months, teams, quotas, what counts) and the figures a leader and admins
read, from sessions run on in-memory fakes."""
import datetime as dt

import pytest
from room_unit_helpers import CIRCLE, LOUNGE, START, TEEN_LOUNGE

from room_service.domain import errors
from room_service.domain import hosting as rules
from room_service.domain.hosting import HostedSession, Month

UTC = dt.timezone.utc
MARCH = Month.of("2026-03", START)


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=UTC)


def hosted(started_at, ended_at, team="grief", others=2, session_id="s1") -> HostedSession:
    return HostedSession(session_id, f"adult-{team}", team, "Evening check-in", started_at, ended_at, others)


def figures(*sessions, cohort="adult", kind="listener"):
    return rules.hosting_figures("lea", cohort, kind, sessions, MARCH, rules.DEFAULT_QUOTA_MINUTES)


class TestMonths:
    def test_a_named_month_and_this_month(self):
        assert (MARCH.start, MARCH.end) == (at(1, 0), at(1, 0, month=4))
        december = Month.of("", dt.datetime(2026, 12, 31, 23, 59, tzinfo=UTC))
        assert december.label == "2026-12" and december.end == dt.datetime(2027, 1, 1, tzinfo=UTC)

    def test_this_month_is_utcs(self):
        late_in_new_york = dt.datetime(2026, 3, 31, 21, 0, tzinfo=dt.timezone(dt.timedelta(hours=-4)))
        assert Month.of("", late_in_new_york).label == "2026-04"

    @pytest.mark.parametrize("month", ["2026-13", "2026-3", "March", "1999-01", "2026-03-01"])
    def test_a_malformed_month_is_refused_with_the_form(self, month):
        with pytest.raises(errors.InvalidMonth, match="YYYY-MM"):
            Month.of(month, START)


class TestTheRule:
    def test_an_adult_listener_owes_an_hour_per_team_teens_and_members_half_an_hour(self):
        assert figures(kind="listener").quota_minutes == 60
        assert figures(kind="member").quota_minutes == 30
        assert figures(cohort="teen", kind="listener").quota_minutes == 30

    def test_a_person_room_knows_too_little_about_owes_the_largest_quota(self):
        assert figures(cohort=None, kind=None).quota_minutes == 60

    def test_minutes_add_up_per_team_and_each_team_owes_its_quota(self):
        result = figures(hosted(at(2, 18), at(2, 18, 40), session_id="a"),
                         hosted(at(9, 18), at(9, 18, 25), session_id="b"),
                         hosted(at(3, 18), at(3, 18, 30), team="anxiety", session_id="c"))
        assert [(t.team, t.minutes_hosted, t.met) for t in result.teams] == [("anxiety", 30, False),
                                                                             ("grief", 65, True)]
        assert result.minutes_hosted == 95 and not result.met

    def test_met_when_every_team_has_its_quota(self):
        result = figures(hosted(at(2, 18), at(2, 19)), kind="member")
        assert result.met and result.teams[0].minutes_hosted == 60

    def test_nobody_meets_a_quota_without_hosting(self):
        result = figures()
        assert result.teams == () and result.minutes_hosted == 0 and not result.met

    def test_a_session_across_a_months_end_counts_in_each_month_for_its_part(self):
        across = hosted(at(31, 23, 30), at(1, 0, 45, month=4))
        assert figures(across).minutes_hosted == 30
        april = rules.hosting_figures("lea", "adult", "listener", [across], Month.of("2026-04", START),
                                      rules.DEFAULT_QUOTA_MINUTES)
        assert april.minutes_hosted == 45
        assert figures(hosted(at(28, 23, 30, month=2), at(1, 0, 20))).minutes_hosted == 20

    def test_a_session_nobody_else_attended_is_listed_but_not_counted(self):
        result = figures(hosted(at(2, 18), at(2, 19), others=0))
        [listed] = result.sessions
        assert not listed.counted and listed.note == "nobody besides its leader attended"
        assert [(t.team, t.minutes_hosted) for t in result.teams] == [("grief", 0)] and not result.met

    def test_partial_minutes_are_not_rounded_up(self):
        result = figures(hosted(at(2, 18), at(2, 18, 59) + dt.timedelta(seconds=59)), kind="member")
        assert result.minutes_hosted == 59


class TestQuotaSettings:
    def test_the_table_is_read_from_its_setting(self):
        quotas = rules.parse_quotas("adult-listener=90, adult-member=30,teen-listener=45,teen-member=20")
        assert quotas[("adult", "listener")] == 90 and quotas[("teen", "member")] == 20
        assert rules.parse_quotas(rules.format_quotas(rules.DEFAULT_QUOTA_MINUTES)) == rules.DEFAULT_QUOTA_MINUTES

    def test_room_reads_the_table_when_it_starts(self, monkeypatch):
        from room_service import settings

        assert settings.load().hosting_quota_minutes == rules.DEFAULT_QUOTA_MINUTES
        monkeypatch.setenv("ROOM_HOSTING_QUOTA_MINUTES", "adult-listener=120,adult-member=30,teen-listener=30,"
                                                         "teen-member=15")
        assert settings.load().hosting_quota_minutes[("adult", "listener")] == 120

    @pytest.mark.parametrize("text", ["adult-listener=60", "adult-listener=sixty,adult-member=30,teen-listener=30,"
                                      "teen-member=30", "kid-member=30"])
    def test_a_malformed_or_incomplete_table_is_refused(self, text):
        with pytest.raises(ValueError, match="hosting quota"):
            rules.parse_quotas(text)


class TestFiguresOverSessions:
    @pytest.fixture
    def leader(self, identity):
        return identity.register("lea_leader", kind="listener", roles=["support_session_leader", "on_spot_host"])

    def run(self, conv, sessions, clock, leader, slug, minutes, others=()):
        for person in (leader, *others):
            conv.join(person, slug)
        session = sessions.start_unplanned(leader, slug, "Drop-in chat", 60)
        clock.advance(minutes=minutes)
        sessions.end(leader, session["session_id"])
        for person in (leader, *others):
            conv.leave(person, slug)
        return session

    def test_a_leader_reads_their_own_month(self, conv, sessions, identity, clock, leader):
        member = identity.register("mo")
        self.run(conv, sessions, clock, leader, LOUNGE, 40, [member])
        self.run(conv, sessions, clock, leader, CIRCLE, 25, [member])
        self.run(conv, sessions, clock, leader, LOUNGE, 30)  # nobody came
        shown = sessions.hosting.figures(leader)
        assert shown["month"] == "2025-06" and shown["quota_minutes"] == 60
        assert [(t["team"], t["minutes_hosted"], t["met"]) for t in shown["teams"]] == [
            ("community", 40, False), ("sharing-circle", 25, False)]
        assert [(s["room_slug"], s["minutes_in_month"], s["counted"]) for s in shown["sessions"]] == [
            (LOUNGE, 40, True), (CIRCLE, 25, True), (LOUNGE, 30, False)]
        assert shown["minutes_hosted"] == 65 and not shown["met"]

    def test_a_session_nobody_ended_counts_until_its_planned_end(self, conv, sessions, identity, clock, leader):
        member = identity.register("mo")
        for person in (leader, member):
            conv.join(person, LOUNGE)
        sessions.start_unplanned(leader, LOUNGE, "Drop-in chat", 45)
        clock.advance(hours=2)
        assert sessions.close_overdue() == 1
        [counted] = sessions.hosting.figures(leader)["sessions"]
        assert counted["minutes_in_month"] == 45 and counted["counted"]

    def test_another_month_and_another_persons_figures(self, conv, sessions, identity, clock, leader, admin,
                                                       refused):
        member = identity.register("mo")
        self.run(conv, sessions, clock, leader, LOUNGE, 60, [member])
        assert sessions.hosting.figures(admin, leader)["met"]
        assert sessions.hosting.figures(leader, month="2025-05")["sessions"] == []
        with refused(errors.NotYourFigures, match="your own"):
            sessions.hosting.figures(member, leader)
        with refused(errors.PersonNotFound):
            sessions.hosting.figures(admin, "nobody-room-knows")
        with refused(errors.InvalidMonth):
            sessions.hosting.figures(leader, month="June")

    def test_a_teen_leaders_quota_is_half_an_hour(self, conv, sessions, identity, clock):
        teen = identity.register("tia", cohort="teen", kind="listener", roles=["on_spot_host"])
        other = identity.register("tom", cohort="teen")
        self.run(conv, sessions, clock, teen, TEEN_LOUNGE, 30, [other])
        shown = sessions.hosting.figures(teen)
        assert shown["quota_minutes"] == 30 and shown["met"]

    def test_quotas_come_from_the_settings_given(self, conv, sessions, identity, clock, leader):
        from room_service.service_layer.sessions import Sessions

        quotas = dict(rules.DEFAULT_QUOTA_MINUTES) | {("adult", "listener"): 15}
        assert Sessions(conv, quotas).hosting.figures(leader)["quota_minutes"] == 15
