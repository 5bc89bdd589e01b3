"""Lives: the events that put synthetic people into archive catalogues.

A household is one or two people (sometimes a third forestry co-holder). Urban youths born
1946-1962 are often sent down (知青) to a commune of another county, return by recruitment
(招工) into a factory, and marry back home; villagers hold forestry rights (林权) in their
county's archive. Each event becomes one record in one archive (`records.py`).
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from generator.archives import BRIGADES, BY_CODE, COMMUNES, EMPLOYERS, HOME_ARCHIVE, ORIGIN_UNITS
from generator.people import PeopleFactory, Person

Date = tuple[int, int, int]

_LUZHOU_URBAN = ("510502", "510502", "510504", "510503")
_LUZHOU_COUNTIES = ("510521", "510522", "510524", "510525", "510503")
_RETURN_REASONS = ("recruitment",) * 11 + ("enrollment",) * 2 + ("illness",) * 2 + \
    ("replacement",) * 3 + ("other",) * 2


class Event:
    """Something that made a record: where, what, when, who, and the type's own facts."""

    __slots__ = ("archive", "rtype", "date", "parties", "info")

    def __init__(self, archive: str, rtype: str, date: Date,
                 parties: list[tuple[Person, str]], info: dict[str, object]) -> None:
        self.archive = archive
        self.rtype = rtype
        self.date = date
        self.parties = parties
        self.info = info


class Lives:
    """Draws households and their events from one random stream."""

    def __init__(self, rng: random.Random, people: PeopleFactory,
                 namesake_rate: float = 0.0) -> None:
        self.rng = rng
        self.people = people
        #: share of households whose head shares the name and birth date of someone earlier
        self.namesake_rate = namesake_rate

    def date(self, year: int) -> Date:
        return (year, self.rng.randint(1, 12), self.rng.randint(1, 28))

    def life_home(self, p: Person) -> str:
        """The home region a person's life runs from (people born far away settled here)."""
        if p.home in HOME_ARCHIVE:
            return p.home
        return self.rng.choice(_LUZHOU_URBAN) if p.urban else self.rng.choice(_LUZHOU_COUNTIES)

    # --- one person's working life -------------------------------------------------
    def employment(self, p: Person, archive: str, date: Date, kind: str | None,
                   prior: str) -> tuple[Event, str]:
        name, state = self.rng.choice(EMPLOYERS[archive])
        kind = kind or ("state_owned" if state else "collective")
        info = {"employer": name, "recruitment_kind": kind, "prior_status": prior}
        return Event(archive, "employment", date, [(p, "worker")], info), name

    def career(self, p: Person, home: str, events: list[Event]) -> str | None:
        """Sent down, recruited, transferred: appends events; returns the employer archive."""
        rng = self.rng
        by = p.birth[0]
        employer_archive: str | None = None
        emp_date: Date | None = None
        kind: str | None = None
        prior = ""
        if p.urban and 1946 <= by <= 1962 and rng.random() < 0.75:
            dispatch = self.date(max(1964, min(1978, by + rng.randint(16, 19))))
            if home.startswith("5105"):
                dest = rng.choice(("500116", "500118", "500116", "500118") + _LUZHOU_COUNTIES)
            else:
                dest = rng.choice((home, home, home, "510521", "510522", "500116", "500118"))
            county, communes = COMMUNES[dest]
            back = self.date(min(1980, dispatch[0] + rng.randint(1, 8)))
            reason = rng.choice(_RETURN_REASONS)
            info = {
                "origin_unit": rng.choice(ORIGIN_UNITS.get(home, ORIGIN_UNITS["510502"])),
                "destination": (county, rng.choice(communes),
                                f"{rng.choice(BRIGADES)}大队"
                                if rng.random() < 0.5 else f"第{rng.randint(1, 12)}大队",
                                f"第{rng.randint(1, 15)}生产队"),
                "return_date": back, "return_reason": reason,
            }
            events.append(Event(dest, "sent_down_youth", dispatch, [(p, "youth")], info))
            origin = "510500" if home.startswith("5105") else home
            if origin != dest and rng.random() < 0.6:
                events.append(Event(origin, "sent_down_youth", dispatch, [(p, "youth")],
                                    dict(info)))
            if reason == "recruitment":
                if home.startswith("5105"):
                    employer_archive = rng.choice(("500118",) * 5 + ("510500",) * 3
                                                  + ("500116",) * 2)
                else:
                    employer_archive = rng.choice((home, home, home, "510500", "500116"))
                emp_date, prior = back, "知识青年"
            elif reason == "replacement":
                employer_archive = "510500" if home.startswith("5105") else home
                emp_date, kind, prior = back, "replacement", "知识青年"
            elif rng.random() < 0.7:  # studied, or came back ill: assigned a job later
                employer_archive = "510500" if home.startswith("5105") else home
                emp_date = self.date(min(1985, back[0] + rng.randint(2, 5)))
                prior = "大中专毕业生" if reason == "enrollment" else "返城知青"
        elif p.urban and rng.random() < 0.8:
            year = min(2005, max(1953, by + rng.randint(17, 24)))
            employer_archive = "510500" if home.startswith("5105") else home
            if home in EMPLOYERS and home != employer_archive and rng.random() < 0.35:
                employer_archive = home
            emp_date = self.date(year)
            if 1978 <= year <= 1985 and rng.random() < 0.25:
                kind = "replacement"
            prior = rng.choice(("待业青年", "城镇居民", "应届毕业生", "复员退伍军人"))
        elif not p.urban and 1946 <= by <= 1962 and rng.random() < 0.5:
            # a rural school leaver registered as a returned-home youth (回乡知青)
            county, communes = COMMUNES[home]
            commune = rng.choice(communes)
            back = self.date(min(1980, by + rng.randint(20, 26)))
            recruited = rng.random() < 0.5
            info = {"origin_unit": f"{county}{commune[:-2]}中学",
                    "destination": (county, commune, f"第{rng.randint(1, 12)}大队",
                                    f"第{rng.randint(1, 15)}生产队"),
                    "return_date": back,
                    "return_reason": "recruitment" if recruited else "other"}
            events.append(Event(home, "sent_down_youth",
                                self.date(max(1964, min(1978, by + rng.randint(16, 18)))),
                                [(p, "youth")], info))
            if recruited:
                employer_archive = home if home in EMPLOYERS else "510500"
                emp_date, prior = back, "回乡知青"
        elif not p.urban and rng.random() < 0.4:
            year = min(1995, max(1966, by + rng.randint(17, 26)))
            employer_archive = home if home in EMPLOYERS else rng.choice(("510500", "510503"))
            emp_date = self.date(year)
            prior = "公社社员" if year < 1983 else "农民"
        if employer_archive is None or emp_date is None:
            return None
        ev, employer = self.employment(p, employer_archive, emp_date, kind, prior)
        events.append(ev)
        if rng.random() < 0.35 and emp_date[0] < 2000:
            year = min(2010, emp_date[0] + rng.randint(5, 20))
            target = rng.choice([a for a in EMPLOYERS if a != employer_archive])
            ev, _ = self.employment(p, target, self.date(year), "transfer", f"{employer}职工")
            events.append(ev)
            employer_archive = target
        return employer_archive

    def id_on_file(self, p: Person, near: str) -> Event:
        """A later transfer whose record carries the person's id number: two namesakes
        always have one each, so that an answer can show each as the other person."""
        rng = self.rng
        target = rng.choice([a for a in EMPLOYERS if a != near] or list(EMPLOYERS))
        year = max(1990, min(2010, p.birth[0] + rng.randint(35, 50)))
        event, _ = self.employment(p, target, self.date(year), "transfer", "职工")
        event.info["id_on_file"] = True
        return event

    def marriage_archive(self, home: str, employer_archive: str | None) -> str:
        rng = self.rng
        if employer_archive in ("500118", "500116") and employer_archive != home \
                and rng.random() < 0.3:
            return employer_archive
        if home in _LUZHOU_URBAN and rng.random() < 0.5:
            return "510500"
        return HOME_ARCHIVE[home]

    # --- households --------------------------------------------------------------------
    def marriages(self, husband: Person, wife: Person, archive: str) -> list[Event]:
        rng = self.rng
        year = max(1955, max(husband.birth[0], wife.birth[0]) + rng.randint(21, 28))
        parties = [(husband, "husband"), (wife, "wife")]
        events = [Event(archive, "marriage", self.date(year), parties, {"kind": "marriage"})]
        if rng.random() < 0.07:
            year = min(2018, year + rng.randint(2, 20))
            events.append(Event(archive, "marriage", self.date(year), parties,
                                {"kind": "divorce"}))
            if rng.random() < 0.3 and year < 2018:
                year += rng.randint(1, 4)
                events.append(Event(archive, "marriage", self.date(year), parties,
                                    {"kind": "remarriage"}))
        return events

    def forestry(self, holders: list[Person], home: str) -> list[Event]:
        rng = self.rng
        archive = HOME_ARCHIVE[home]
        if "forestry_right" not in BY_CODE[archive].holds:
            return []
        youngest = max(h.birth[0] for h in holders)
        years = []
        r = rng.random()
        if youngest <= 1963 and r < 0.55:
            years.append(rng.randint(1981, 1984))
        if r >= 0.4:
            years.append(rng.randint(2006, 2012))
        parties = [(h, "holder") for h in holders]
        events = []
        for y in years:  # one certificate per plot, often several plots
            plots = 1 + (rng.random() < 0.6) + (rng.random() < 0.3)
            events.extend(Event(archive, "forestry_right", self.date(y), parties, {})
                          for _ in range(plots))
        return events

    def household(self, room: int) -> tuple[list[Person], list[Event]]:
        """One household using at most `room` new people."""
        rng, make = self.rng, self.people.make
        r = rng.random()
        original = rng.choice(self.people.made) if (
            self.namesake_rate and self.people.made and rng.random() < self.namesake_rate) \
            else None
        head = self.people.namesake_of(original) if original else make()
        home = self.life_home(head)
        events: list[Event] = []
        emp = self.career(head, home, events)
        if original is not None:  # both of them are somewhere on file with their id number
            events.append(self.id_on_file(head, emp or home))
            events.append(self.id_on_file(original, home))
        members = [head]
        spouse: Person | None = None
        if room >= 2 and r < 0.9:
            year = min(1982, max(1935, head.birth[0] + rng.randint(-4, 4)))
            spouse_home = home if (not head.urban or rng.random() < 0.5) else None
            spouse = make(gender="F" if head.gender == "M" else "M", urban=head.urban,
                          birth_year=year, home=spouse_home)
            members.append(spouse)
            if r < 0.8:  # both lead full lives; else the spouse appears only at marriage
                self.career(spouse, self.life_home(spouse), events)
            husband, wife = (head, spouse) if head.gender == "M" else (spouse, head)
            events.extend(self.marriages(husband, wife, self.marriage_archive(home, emp)))
        if not head.urban and rng.random() < 0.85:
            holders = [head]
            if spouse is not None and rng.random() < 0.5:
                holders.append(spouse)
            if len(members) < room and rng.random() < 0.1:
                third = make(urban=False, home=home,
                             birth_year=min(1982, head.birth[0] + rng.randint(-5, 5)))
                members.append(third)
                holders.append(third)
            events.extend(self.forestry(holders, home))
        return members, events

    def run(self, total: int) -> Iterator[tuple[list[Person], list[Event]]]:
        """Households until exactly `total` people exist."""
        while self.people.count < total:
            yield self.household(total - self.people.count)
