"""Generate the built-in example events as folders of CSV files.

Run it from anywhere (standard library only)::

    python3 examples/make_builtin_events.py

It (re)writes the two built-in events in ``src/convening/data/``, one CSV per workbook sheet
(``event.csv``, ``cities.csv``, ``participants.csv``, ...), then checks that
each is plannable: the library's counting conditions (plenary room, tour seats,
step-free seats, facilitators per delegation, networking tables) and, for the
breakouts, a feasible timetable and seating built by hand (a *witness*) in
which everyone present has one session, presenters are in their own sessions
and nobody attends a session twice. An ``AssertionError`` means the data is
not plannable.

``new_orleans/``
    A three-day national peer convening of some 45 cities, modelled on the
    National Resource Network's 2016 convening in New Orleans.
``peer_exchange/``
    A two-day exchange of four small cross-sector delegations (Detroit, Flint,
    Minneapolis, St. Paul) in Albany, NY, modelled on the Center for Community
    Progress peer-to-peer learning exchanges.

The cities, their states, rough populations and coordinates are real; every
person, e-mail address, organisation (other than city governments), hotel and
session is fictional. The output is deterministic: a fixed seed drives every
random choice, so running the script twice gives byte-identical files.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import math
import random
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent / "src" / "convening" / "data"

Row = dict[str, Any]
Tables = dict[str, list[Row]]

#: The sheets and their columns, exactly as the event-workbook spec names them.
COLUMNS: dict[str, tuple[str, ...]] = {
    "event": ("key", "value"),
    "cities": (
        "city_id",
        "name",
        "state",
        "topics",
        "population",
        "region",
        "latitude",
        "longitude",
    ),
    "participants": (
        "participant_id",
        "name",
        "city_id",
        "role",
        "title",
        "organization",
        "email",
        "topics",
        "accessible",
        "arrives",
        "departs",
        "away",
        "attends",
    ),
    "rooms": ("room_id", "name", "capacity", "accessible"),
    "slots": ("slot_id", "start", "end", "kind", "title", "location"),
    "sessions": (
        "session_id",
        "title",
        "kind",
        "topic",
        "presenters",
        "slot_id",
        "room_id",
        "offered",
        "capacity",
        "description",
    ),
    "tours": (
        "tour_id",
        "title",
        "capacity",
        "slot_id",
        "walking",
        "topic",
        "departures",
        "meeting_point",
        "leaders",
        "description",
    ),
    "preferences": ("participant_id", "item_id", "rank"),
    "networking": ("slot_id", "table_size"),
    "networking_rules": ("rule", "participant_id", "other_id", "slot_id"),
}

ECONOMIC = "economic development"
WORKFORCE = "workforce development"
NEIGHBORHOOD = "neighborhood revitalization"
CIVIC = "civic engagement"
BROADBAND = "broadband and digital inclusion"
VACANT = "vacant property reuse"
FINANCE = "municipal finance"
SAFETY = "public safety"
DATA = "data-driven government"
ZONING = "land use and zoning"
HEALTH = "health data"
PLACEMAKING = "creative placemaking"

# -- people ---------------------------------------------------------------------------------

FIRST_NAMES = (
    "Aaliyah", "Adrian", "Aisha", "Alan", "Alicia", "Amir", "Ana", "Andre", "Angela",
    "Anthony", "Beatriz", "Benjamin", "Brenda", "Brian", "Camille", "Carlos", "Carmen",
    "Catherine", "Cedric", "Charles", "Chen", "Claire", "Colleen", "Courtney", "Curtis",
    "Dana", "Daniel", "Darnell", "Deborah", "Denise", "Derek", "Diane", "Dolores",
    "Dominic", "Eduardo", "Elena", "Elijah", "Elizabeth", "Eric", "Esther", "Evelyn",
    "Felicia", "Francisco", "Gabriel", "Gloria", "Grace", "Gregory", "Hannah", "Harold",
    "Hector", "Imani", "Irene", "Isaac", "Jamal", "James", "Janet", "Jasmine", "Javier",
    "Jennifer", "Jerome", "Joanna", "Jonathan", "Joseph", "Julia", "Julian", "Karen",
    "Keisha", "Kenneth", "Kevin", "Kim", "Kwame", "Latoya", "Laura", "Lauren", "Leon",
    "Lillian", "Linh", "Lisa", "Lorenzo", "Lucia", "Malik", "Marcus", "Margaret", "Maria",
    "Marisol", "Martin", "Maya", "Melissa", "Michael", "Miguel", "Monique", "Nadia",
    "Naomi", "Nathan", "Nicole", "Olivia", "Omar", "Patricia", "Paul", "Priya", "Rafael",
    "Raymond", "Rebecca", "Renee", "Ricardo", "Robert", "Rosa", "Ruth", "Samantha",
    "Samuel", "Sandra", "Sean", "Sharon", "Simone", "Sofia", "Stephen", "Tamara",
    "Teresa", "Terrence", "Thomas", "Tiffany", "Tyrone", "Valerie", "Vanessa", "Victor",
    "Vivian", "Walter", "Wendy", "Xavier", "Yolanda", "Yusuf", "Zoe",
)  # fmt: skip

LAST_NAMES = (
    "Abernathy", "Acosta", "Adeyemi", "Alvarez", "Andersen", "Baptiste", "Barrett",
    "Becker", "Bell", "Boudreaux", "Bradley", "Brennan", "Caldwell", "Carrington",
    "Castillo", "Chandler", "Chen", "Coleman", "Contreras", "Dawson", "Delgado",
    "Desai", "Dubois", "Ellison", "Espinoza", "Fairbanks", "Fitzgerald", "Fontenot",
    "Franklin", "Gallagher", "Garza", "Gibson", "Goldberg", "Greene", "Guerrero",
    "Hale", "Harmon", "Hayes", "Hendricks", "Holloway", "Ibarra", "Jefferson",
    "Jenkins", "Kaplan", "Kearney", "Kowalski", "Lambert", "Landry", "Lindqvist",
    "Lopez", "Maddox", "Malone", "Marshall", "McAllister", "Mendoza", "Mercer",
    "Moreau", "Morrison", "Nakamura", "Navarro", "Nguyen", "Novak", "Okafor", "Olsen",
    "Ortega", "Osei", "Patel", "Pierce", "Quintero", "Ramirez", "Reyes", "Richardson",
    "Robinson", "Rosario", "Russo", "Salazar", "Sandoval", "Schmidt", "Shapiro",
    "Simmons", "Sinclair", "Stanton", "Sullivan", "Tan", "Thibodeaux", "Torres",
    "Underwood", "Valdez", "Vance", "Vasquez", "Walsh", "Washington", "Whitfield",
    "Wilkins", "Yamamoto", "Young", "Zielinski",
)  # fmt: skip

#: Senior generalists: the first official of most delegations.
GENERALIST_TITLES = (
    "Chief of Staff to the Mayor",
    "City Manager",
    "Assistant City Manager",
    "Deputy Mayor",
    "Senior Policy Advisor to the Mayor",
    "Director of Strategic Initiatives",
)

#: Officials by the topic they lead on.
TOPIC_TITLES: dict[str, tuple[str, ...]] = {
    ECONOMIC: ("Director of Economic Development", "Economic Development Manager"),
    WORKFORCE: ("Workforce Development Director", "Director of Workforce Initiatives"),
    NEIGHBORHOOD: ("Director of Neighborhood Services", "Director of Community Development"),
    CIVIC: ("Director of Civic Engagement", "Director of Neighborhood Engagement"),
    BROADBAND: ("Chief Information Officer", "Digital Inclusion Coordinator"),
    VACANT: ("Director of Housing and Community Development", "Blight Remediation Manager"),
    FINANCE: ("Finance Director", "Chief Financial Officer", "Budget Director"),
    SAFETY: ("Director of Public Safety", "Violence Prevention Coordinator"),
    DATA: ("Chief Innovation Officer", "Chief Data Officer", "Performance Management Director"),
    ZONING: ("Director of Planning and Development", "Planning Director", "Zoning Administrator"),
    HEALTH: ("Director of Public Health", "Health Policy Advisor"),
}

#: Partners by the topic they lead on: (title, organisation pattern).
PARTNER_KINDS: dict[str, tuple[tuple[str, str], ...]] = {
    ECONOMIC: (
        ("President and CEO", "{city} Area Chamber of Commerce"),
        ("Vice President for Economic Development", "{city} Regional Partnership"),
    ),
    WORKFORCE: (
        ("Executive Director", "{city} Workforce Alliance"),
        ("Dean of Workforce Education", "{city} Technical College"),
    ),
    NEIGHBORHOOD: (
        ("Executive Director", "{city} Neighborhood Development Corporation"),
        ("Vice President for Community Investment", "Greater {city} Community Trust"),
    ),
    CIVIC: (
        ("Program Officer", "{city} Civic Fund"),
        ("Executive Director", "{city} Neighborhoods Council"),
    ),
    BROADBAND: (
        ("Director of Digital Equity", "{city} Public Library Foundation"),
        ("Executive Director", "{city} Digital Inclusion Alliance"),
    ),
    VACANT: (
        ("Executive Director", "{city} Land Reutilization Partnership"),
        ("Senior Program Officer", "{city} Community Foundation"),
    ),
    FINANCE: (
        ("President", "{city} Business Roundtable"),
        ("Chief Financial Officer", "{city} Regional Medical Center"),
    ),
    SAFETY: (
        ("Program Director", "{city} Youth Violence Prevention Collaborative"),
        ("Senior Program Officer", "{city} Community Foundation"),
    ),
    DATA: (
        ("Director of Community Research", "{city} Anchor Institutions Collaborative"),
        ("Executive Director", "{city} Civic Data Collaborative"),
    ),
    ZONING: (
        ("President", "{city} Downtown Partnership"),
        ("Executive Director", "{city} Riverfront Development Corporation"),
    ),
    HEALTH: (
        ("Vice President for Community Health", "{city} Regional Health System"),
        ("Director of Population Health", "{city} Health Equity Partnership"),
    ),
}


class People:
    """Makes unique fictional names and example.org e-mail addresses."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def name(self) -> str:
        while True:
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
            if name not in self.used:
                self.used.add(name)
                return name

    @staticmethod
    def email(name: str) -> str:
        return ".".join(re.sub(r"[^a-z]", "", part.lower()) for part in name.split()) + (
            "@example.org"
        )


def person(
    pid: str,
    name: str,
    city_id: str | None,
    role: str,
    title: str,
    organization: str,
    topics: Iterable[str],
) -> Row:
    return {
        "participant_id": pid,
        "name": name,
        "city_id": city_id,
        "role": role,
        "title": title,
        "organization": organization,
        "email": People.email(name),
        "topics": list(topics),
        "accessible": False,
        "arrives": None,
        "departs": None,
        "away": [],
        "attends": None,
    }


def at(day: dt.date, hhmm: str) -> dt.datetime:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute))


def slot(
    slot_id: str,
    day: dt.date,
    start: str,
    end: str,
    kind: str,
    title: str | None = None,
    location: str | None = None,
) -> Row:
    return {
        "slot_id": slot_id,
        "start": at(day, start),
        "end": at(day, end),
        "kind": kind,
        "title": title,
        "location": location,
    }


def session(
    session_id: str,
    title: str,
    kind: str,
    topic: str | None,
    presenters: Sequence[str],
    description: str,
    *,
    slot_id: str | None = None,
    room_id: str | None = None,
    offered: int = 1,
    capacity: int | None = None,
) -> Row:
    return {
        "session_id": session_id,
        "title": title,
        "kind": kind,
        "topic": topic,
        "presenters": list(presenters),
        "slot_id": slot_id,
        "room_id": room_id,
        "offered": offered,
        "capacity": capacity,
        "description": description,
    }


def ranked_sample(
    rng: random.Random, items: Sequence[str], weights: Sequence[float], k: int
) -> list[str]:
    """``k`` distinct items, drawn one by one with the given weights (best first)."""
    pool = list(items)
    w = list(weights)
    out: list[str] = []
    while pool and len(out) < k:
        pick = rng.choices(range(len(pool)), weights=w)[0]
        out.append(pool.pop(pick))
        w.pop(pick)
    return out


# -- New Orleans ----------------------------------------------------------------------------

#: (city_id, name, state, population (approx. 2015), region, latitude, longitude, topics)
NOLA_CITIES: tuple[tuple[str, str, str, int, str, float, float, tuple[str, ...]], ...] = (
    ("new-orleans-la", "New Orleans", "LA", 389_600, "South", 29.9511, -90.0715, (BROADBAND, VACANT, NEIGHBORHOOD, ECONOMIC)),
    ("flint-mi", "Flint", "MI", 98_300, "Midwest", 43.0125, -83.6875, (VACANT, HEALTH, NEIGHBORHOOD, CIVIC)),
    ("kansas-city-ks", "Kansas City", "KS", 151_700, "Midwest", 39.1141, -94.6275, (HEALTH, DATA, ECONOMIC)),
    ("meridian-ms", "Meridian", "MS", 40_100, "South", 32.3643, -88.7037, (CIVIC, ECONOMIC, WORKFORCE)),
    ("miami-fl", "Miami", "FL", 441_000, "South", 25.7617, -80.1918, (ECONOMIC, FINANCE, ZONING)),
    ("rocky-mount-nc", "Rocky Mount", "NC", 55_900, "South", 35.9382, -77.7905, (ECONOMIC, NEIGHBORHOOD, WORKFORCE)),
    ("waco-tx", "Waco", "TX", 132_400, "South", 31.5493, -97.1467, (HEALTH, WORKFORCE, NEIGHBORHOOD)),
    ("youngstown-oh", "Youngstown", "OH", 64_600, "Midwest", 41.0998, -80.6495, (WORKFORCE, BROADBAND, VACANT)),
    ("chattanooga-tn", "Chattanooga", "TN", 176_600, "South", 35.0456, -85.3097, (BROADBAND, DATA, ECONOMIC, ZONING)),
    ("fall-river-ma", "Fall River", "MA", 88_700, "Northeast", 41.7015, -71.1550, (FINANCE, ECONOMIC, WORKFORCE)),
    ("gonzales-ca", "Gonzales", "CA", 8_400, "West", 36.5066, -121.4444, (BROADBAND, CIVIC)),
    ("greensboro-nc", "Greensboro", "NC", 285_300, "South", 36.0726, -79.7920, (BROADBAND, ECONOMIC, WORKFORCE)),
    ("springfield-mo", "Springfield", "MO", 166_800, "Midwest", 37.2090, -93.2923, (BROADBAND, CIVIC, SAFETY)),
    ("providence-ri", "Providence", "RI", 179_200, "Northeast", 41.8240, -71.4128, (HEALTH, CIVIC, DATA)),
    ("syracuse-ny", "Syracuse", "NY", 144_100, "Northeast", 43.0481, -76.1474, (NEIGHBORHOOD, DATA, VACANT)),
    ("dayton-oh", "Dayton", "OH", 140_600, "Midwest", 39.7589, -84.1916, (NEIGHBORHOOD, WORKFORCE, VACANT)),
    ("detroit-mi", "Detroit", "MI", 677_100, "Midwest", 42.3314, -83.0458, (VACANT, NEIGHBORHOOD, ECONOMIC)),
    ("albany-ny", "Albany", "NY", 98_100, "Northeast", 42.6526, -73.7562, (VACANT, NEIGHBORHOOD, FINANCE)),
    ("st-paul-mn", "St. Paul", "MN", 300_900, "Midwest", 44.9537, -93.0900, (ZONING, NEIGHBORHOOD, CIVIC)),
    ("minneapolis-mn", "Minneapolis", "MN", 410_900, "Midwest", 44.9778, -93.2650, (ZONING, WORKFORCE, CIVIC)),
    ("gary-in", "Gary", "IN", 77_200, "Midwest", 41.5934, -87.3464, (VACANT, ECONOMIC, SAFETY)),
    ("hartford-ct", "Hartford", "CT", 124_000, "Northeast", 41.7658, -72.6734, (FINANCE, ECONOMIC, SAFETY)),
    ("camden-nj", "Camden", "NJ", 76_900, "Northeast", 39.9259, -75.1196, (SAFETY, VACANT, DATA)),
    ("trenton-nj", "Trenton", "NJ", 84_200, "Northeast", 40.2171, -74.7429, (FINANCE, ECONOMIC, NEIGHBORHOOD)),
    ("birmingham-al", "Birmingham", "AL", 212_200, "South", 33.5186, -86.8104, (ECONOMIC, ZONING, SAFETY)),
    ("jackson-ms", "Jackson", "MS", 170_700, "South", 32.2988, -90.1848, (SAFETY, FINANCE, WORKFORCE)),
    ("macon-ga", "Macon", "GA", 153_100, "South", 32.8407, -83.6324, (ECONOMIC, VACANT, FINANCE)),
    ("brockton-ma", "Brockton", "MA", 95_100, "Northeast", 42.0834, -71.0184, (WORKFORCE, FINANCE, SAFETY)),
    ("lawrence-ma", "Lawrence", "MA", 80_200, "Northeast", 42.7070, -71.1631, (CIVIC, WORKFORCE, FINANCE)),
    ("holyoke-ma", "Holyoke", "MA", 40_300, "Northeast", 42.2043, -72.6162, (BROADBAND, ECONOMIC, WORKFORCE)),
    ("new-bedford-ma", "New Bedford", "MA", 95_000, "Northeast", 41.6362, -70.9342, (ECONOMIC, WORKFORCE, ZONING)),
    ("rockford-il", "Rockford", "IL", 148_300, "Midwest", 42.2711, -89.0940, (WORKFORCE, SAFETY, NEIGHBORHOOD)),
    ("saginaw-mi", "Saginaw", "MI", 49_300, "Midwest", 43.4195, -83.9508, (VACANT, SAFETY, NEIGHBORHOOD)),
    ("erie-pa", "Erie", "PA", 99_500, "Northeast", 42.1292, -80.0851, (ECONOMIC, NEIGHBORHOOD, ZONING)),
    ("reading-pa", "Reading", "PA", 87_900, "Northeast", 40.3356, -75.9269, (FINANCE, WORKFORCE, CIVIC)),
    ("toledo-oh", "Toledo", "OH", 279_500, "Midwest", 41.6528, -83.5379, (DATA, ECONOMIC, VACANT)),
    ("canton-oh", "Canton", "OH", 71_300, "Midwest", 40.7989, -81.3784, (HEALTH, NEIGHBORHOOD, ECONOMIC)),
    ("stockton-ca", "Stockton", "CA", 305_700, "West", 37.9577, -121.2908, (SAFETY, FINANCE, CIVIC)),
    ("san-bernardino-ca", "San Bernardino", "CA", 216_000, "West", 34.1083, -117.2898, (FINANCE, SAFETY, ECONOMIC)),
    ("shreveport-la", "Shreveport", "LA", 197_200, "South", 32.5252, -93.7502, (ZONING, ECONOMIC, NEIGHBORHOOD)),
    ("huntington-wv", "Huntington", "WV", 48_800, "South", 38.4192, -82.4452, (HEALTH, BROADBAND, ECONOMIC)),
    ("buffalo-ny", "Buffalo", "NY", 258_100, "Northeast", 42.8864, -78.8784, (ZONING, WORKFORCE, NEIGHBORHOOD)),
    ("utica-ny", "Utica", "NY", 61_000, "Northeast", 43.1009, -75.2327, (CIVIC, ECONOMIC, NEIGHBORHOOD)),
    ("bridgeport-ct", "Bridgeport", "CT", 147_600, "Northeast", 41.1865, -73.1952, (DATA, FINANCE, ZONING)),
    ("pine-bluff-ar", "Pine Bluff", "AR", 44_000, "South", 34.2284, -92.0032, (ECONOMIC, SAFETY, CIVIC)),
)  # fmt: skip

#: Delegations that are not two officials and a partner: city_id -> (officials, partners).
NOLA_ODD_SHAPES = {"gonzales-ca": (1, 1), "detroit-mi": (2, 2), "miami-fl": (3, 0)}

NOLA_FACILITATORS = (
    ("Lead Facilitator", (ECONOMIC, WORKFORCE, CIVIC)),
    ("Senior Facilitator", (NEIGHBORHOOD, VACANT, ZONING)),
    ("Senior Facilitator", (FINANCE, DATA)),
    ("Facilitator", (BROADBAND, HEALTH, DATA)),
    ("Facilitator", (SAFETY, CIVIC, NEIGHBORHOOD)),
    ("Facilitator", (WORKFORCE, ECONOMIC, ZONING)),
)
NOLA_STAFF = (
    "Director of Peer Learning",
    "Peer Learning Manager",
    "Program Associate",
    "Events and Logistics Coordinator",
)
NOLA_SPEAKERS = (
    ("Professor of Urban Economics", "Gulf Coast Institute for Urban Policy"),
    ("Former Deputy Director of Recovery", "Crescent Recovery Research Center"),
    ("Managing Director", "Community Capital Lab"),
)

NOLA_ROOMS: tuple[Row, ...] = (
    {"room_id": "ballroom", "name": "Grand Ballroom", "capacity": 220, "accessible": True},
    {"room_id": "bayou-a", "name": "Bayou Room A", "capacity": 60, "accessible": True},
    {"room_id": "bayou-b", "name": "Bayou Room B", "capacity": 60, "accessible": True},
    {"room_id": "magnolia", "name": "Magnolia Room", "capacity": 45, "accessible": True},
    {"room_id": "cypress", "name": "Cypress Room", "capacity": 40, "accessible": True},
    {"room_id": "audubon", "name": "Audubon Room", "capacity": 36, "accessible": True},
    {
        "room_id": "garden-room",
        "name": "Courtyard Garden Room",
        "capacity": 30,
        "accessible": False,
    },
    {
        "room_id": "pontalba",
        "name": "Pontalba Boardroom (mezzanine)",
        "capacity": 20,
        "accessible": False,
    },
)


def nola_slots() -> list[Row]:
    d1, d2, d3 = (dt.date(2027, 4, 20) + dt.timedelta(days=i) for i in range(3))
    return [
        slot("d1-registration", d1, "08:00", "09:00", "break", "Registration and breakfast"),
        slot("d1-plenary", d1, "09:00", "10:15", "plenary"),
        slot("d1-coffee-am", d1, "10:15", "10:30", "break", "Coffee"),
        slot("d1-breakout-a", d1, "10:30", "11:45", "breakout"),
        slot("d1-lunch", d1, "12:00", "13:15", "networking", "Networking lunch"),
        slot("d1-breakout-b", d1, "13:30", "14:45", "breakout"),
        slot("d1-coffee-pm", d1, "14:45", "15:00", "break", "Coffee"),
        slot("d1-breakout-c", d1, "15:00", "16:15", "breakout"),
        slot("d1-action-planning", d1, "16:30", "17:30", "action_planning"),
        slot("d1-reception", d1, "18:00", "19:30", "networking", "Welcome reception"),
        slot("d2-plenary", d2, "08:30", "09:30", "plenary"),
        slot("d2-breakout-a", d2, "09:45", "11:00", "breakout"),
        slot("d2-coffee-am", d2, "11:00", "11:15", "break", "Coffee"),
        slot("d2-breakout-b", d2, "11:15", "12:30", "breakout"),
        slot("d2-lunch", d2, "12:30", "13:30", "networking", "Networking lunch"),
        slot("d2-tours", d2, "13:45", "17:00", "tour"),
        slot(
            "d2-dinner",
            d2,
            "18:30",
            "20:30",
            "break",
            "Dinner at the French Market",
            "French Market, 1008 N Peters St, New Orleans",
        ),
        slot("d3-breakfast", d3, "07:30", "08:30", "networking", "Breakfast by region"),
        slot("d3-plenary", d3, "08:30", "09:30", "plenary"),
        slot("d3-coffee-am", d3, "09:30", "09:45", "break", "Coffee"),
        slot("d3-breakout-a", d3, "09:45", "11:00", "breakout"),
        slot("d3-action-planning", d3, "11:15", "12:30", "action_planning"),
        slot("d3-closing", d3, "12:30", "13:30", "plenary"),
    ]


#: Participant-led breakouts: (id, title, topic, presenting cities, options, description).
#: A city listed twice sends two presenters.
NOLA_BREAKOUTS: tuple[tuple[str, str, str, tuple[str, ...], dict[str, Any], str], ...] = (
    ("b01", "Turning Vacant Lots into Community Assets: Flint's Land Bank", VACANT,
     ("flint-mi",), {"offered": 2},
     "How a county land bank, block clubs and a side-lot program turned thousands of "
     "vacant parcels into gardens, pocket parks and neighbor-owned yards."),
    ("b02", "Gig City: How Chattanooga Built a Citywide Fiber Network", BROADBAND,
     ("chattanooga-tn",), {"offered": 2, "room_id": "bayou-a"},
     "The public-power fiber build-out, what it cost, and what the city would do differently; "
     "needs the room with the large screens."),
    ("b03", "Closing the Homework Gap: Digital Inclusion Partnerships", BROADBAND,
     ("greensboro-nc", "springfield-mo"), {"capacity": 40},
     "Libraries, school districts and internet providers working together on low-cost "
     "home access, devices and digital literacy classes."),
    ("b04", "Small City, Big Connections: Broadband for Rural Gonzales", BROADBAND,
     ("gonzales-ca",), {"slot_id": "d1-breakout-b", "capacity": 30},
     "A city of eight thousand negotiates with providers and wires its farmworker "
     "neighborhoods."),
    ("b05", "Multi-Year Financial Planning for Cities Under Fiscal Stress", FINANCE,
     ("hartford-ct", "trenton-nj"), {},
     "Five-year forecasts, structural deficits and talking honestly with councils and "
     "rating agencies."),
    ("b06", "Building a Municipal Health Dashboard: Lessons from Four Cities", HEALTH,
     ("waco-tx", "providence-ri"), {"offered": 2},
     "Framing county and federal health data at the city level, and choosing indicators "
     "city leaders will actually use."),
    ("b07", "From Data to Decisions: Launching a Performance Stat Program", DATA,
     ("kansas-city-ks",), {},
     "Setting up regular performance reviews with department heads, starting with three "
     "services residents care about."),
    ("b08", "Anchor Institutions as Workforce Partners", WORKFORCE,
     ("youngstown-oh", "dayton-oh"), {},
     "Hospitals and universities hiring locally: pipelines, hiring commitments and "
     "how the city keeps the table together."),
    ("b09", "Sector Partnerships and Apprenticeships in Manufacturing Towns", WORKFORCE,
     ("rockford-il",), {"capacity": 30},
     "Employer-led training consortia and registered apprenticeships for advanced "
     "manufacturing."),
    ("b10", "Main Street Revival: Corridor Strategies for Small Downtowns", ECONOMIC,
     ("rocky-mount-nc",), {},
     "Facade grants, pop-up retail and a downtown events calendar that brought foot traffic "
     "back to a historic corridor."),
    ("b11", "Attracting Investment Downtown Without Displacing Residents", ECONOMIC,
     ("miami-fl",), {"offered": 2},
     "Community benefits agreements, local hiring and affordable-housing set-asides in a "
     "fast-growing core."),
    ("b12", "Resident-Led Neighborhood Plans That Get Implemented", NEIGHBORHOOD,
     ("syracuse-ny",), {},
     "From visioning sessions to capital budgets: keeping neighborhood plans alive after "
     "the consultants leave."),
    ("b13", "Code Enforcement That Helps Homeowners Stay", NEIGHBORHOOD,
     ("dayton-oh",), {},
     "Pairing inspections with repair grants and legal aid so that enforcement stabilises "
     "blocks instead of emptying them."),
    ("b14", "Participatory Budgeting: Putting Residents in Charge of Real Dollars", CIVIC,
     ("lawrence-ma",), {},
     "Running a first participatory budgeting cycle in English and Spanish, and what "
     "residents chose to fund."),
    ("b15", "Rebuilding Trust: Community Policing and Violence Interruption", SAFETY,
     ("jackson-ms", "camden-nj"), {},
     "Street outreach workers, neighborhood policing and the data that shows whether "
     "it is working."),
    ("b16", "Rewriting the Zoning Code from Scratch", ZONING,
     ("buffalo-ny",), {"slot_id": "d3-breakout-a"},
     "Replacing a 1950s use-based code with a form-based code: the public process, "
     "the politics and the results."),
    ("b17", "Side Lots, Deconstruction and Demolition at Scale", VACANT,
     ("detroit-mi",), {"capacity": 40},
     "Managing tens of thousands of vacant structures: sequencing demolition, salvage "
     "and neighbor purchase programs."),
    ("b18", "Summer Youth Employment as a Year-Round Workforce Strategy", WORKFORCE,
     ("brockton-ma",), {},
     "Turning a summer jobs program into a year-round pathway with employers and the "
     "school district."),
    ("b19", "Open Data on a Shoestring: Starting Small", DATA,
     ("toledo-oh", "bridgeport-ct"), {},
     "Publishing the first ten data sets with no new staff, and using them inside "
     "city hall first."),
    ("b20", "Reaching Residents Who Don't Come to Public Meetings", CIVIC,
     ("meridian-ms",), {},
     "Barbershop forums, text-message surveys and youth ambassadors in a small "
     "Southern city."),
    ("b21", "Using Health Data to Target Lead Abatement", HEALTH,
     ("flint-mi", "canton-oh"), {},
     "Combining blood-lead screening, housing age and code data to decide which homes "
     "to fix first."),
    ("b22", "Pensions, Debt and Credit Ratings: A Primer for Small Cities", FINANCE,
     ("fall-river-ma",), {"capacity": 30},
     "What elected officials and partners need to know before the next bond issue."),
    ("b23", "Hot Spots and Prevention: Using Data for Public Safety", SAFETY,
     ("stockton-ca",), {},
     "Focused deterrence and place-based prevention guided by a small analytics team."),
    ("b24", "Riverfront and Downtown Redevelopment: Land Use Tools", ZONING,
     ("shreveport-la", "minneapolis-mn"), {},
     "Overlay districts, public land disposition and infrastructure financing along "
     "two very different rivers."),
)  # fmt: skip

NOLA_TOURS: tuple[Row, ...] = (
    {"tour_id": "t-lafitte", "title": "Lafitte Greenway: Trail-Oriented Development",
     "capacity": 25, "walking": True, "topic": ZONING, "departures": 1,
     "meeting_point": "Hotel main lobby, Poydras Street entrance",
     "description": "A walk along the 2.6-mile greenway on a former rail and canal corridor, "
     "with the developers and neighbors who built along it."},
    {"tour_id": "t-musicians-village", "title": "Musicians' Village and the Upper Ninth Ward",
     "capacity": 45, "walking": False, "topic": NEIGHBORHOOD, "departures": 1,
     "meeting_point": "Motor coach bay, Tchoupitoulas Street side",
     "description": "Post-Katrina rebuilding of homes for musicians and their neighbors, "
     "and the music center at its heart."},
    {"tour_id": "t-biodistrict", "title": "BioDistrict and the New Medical Campus",
     "capacity": 30, "walking": False, "topic": ECONOMIC, "departures": 1,
     "meeting_point": "Motor coach bay, Tchoupitoulas Street side",
     "description": "How two new hospitals anchor a life-sciences district, and what it "
     "meant for the surrounding neighborhoods."},
    {"tour_id": "t-crescent-park", "title": "Crescent Park and the Riverfront",
     "capacity": 30, "walking": True, "topic": VACANT, "departures": 1,
     "meeting_point": "Hotel main lobby, Poydras Street entrance",
     "description": "Former wharves turned into a riverfront park; includes stairs and the "
     "arched pedestrian bridge."},
    {"tour_id": "t-broad-street", "title": "Broad Street Corridor: A Main Street Comeback",
     "capacity": 25, "walking": False, "topic": ECONOMIC, "departures": 2,
     "meeting_point": "Motor coach bay, Tchoupitoulas Street side",
     "description": "Two small buses visit a former supermarket turned fresh-food hub, "
     "and corridor businesses supported by the Main Street program."},
    {"tour_id": "t-nora-lots", "title": "Lot Next Door: Vacant Lots Back in Neighbors' Hands",
     "capacity": 30, "walking": False, "topic": VACANT, "departures": 1,
     "meeting_point": "Motor coach bay, Tchoupitoulas Street side",
     "description": "The redevelopment authority's side-lot sales and green infrastructure "
     "pilots on vacant land."},
)  # fmt: skip


def build_new_orleans() -> Tables:
    rng = random.Random(2016)
    people = People(rng)
    slots = nola_slots()
    day = {n: dt.date(2027, 4, 20) + dt.timedelta(days=n - 1) for n in (1, 2, 3)}

    cities: list[Row] = []
    participants: list[Row] = []
    for cid, name, state, pop, region, lat, lon, topics in NOLA_CITIES:
        cities.append(
            {
                "city_id": cid,
                "name": name,
                "state": state,
                "topics": list(topics),
                "population": pop,
                "region": region,
                "latitude": lat,
                "longitude": lon,
            }
        )
        n_officials, n_partners = NOLA_ODD_SHAPES.get(cid, (2, 1))
        city_org = f"City of {name}, {state}" if cid == "kansas-city-ks" else f"City of {name}"
        for k in range(n_officials):
            if k == 0 and cid != "gonzales-ca":
                title = rng.choice(GENERALIST_TITLES)
                mine = list(topics[:2])
            else:
                # The k-th official leads on one of the city's topics.
                topic = topics[(k - 1) % len(topics)] if cid != "gonzales-ca" else topics[0]
                title = rng.choice(TOPIC_TITLES[topic])
                mine = [topic]
            if cid == "gonzales-ca":
                title = "City Manager"
                mine = list(topics)
            pid = f"p{len(participants) + 1:03d}"
            participants.append(person(pid, people.name(), cid, "official", title, city_org, mine))
        for k in range(n_partners):
            topic = topics[(len(topics) - 1 - k) % len(topics)]
            title, org = rng.choice(PARTNER_KINDS[topic])
            pid = f"p{len(participants) + 1:03d}"
            participants.append(
                person(pid, people.name(), cid, "partner", title, org.format(city=name), [topic])
            )
    # New Orleans' own delegation are the hosts.
    nola = [p for p in participants if p["city_id"] == "new-orleans-la"]
    nola[0]["title"] = "Deputy Mayor and Chief Administrative Officer"
    nola[1]["title"] = "Director of Place-Based Planning"
    nola[0]["topics"], nola[1]["topics"] = [ECONOMIC, BROADBAND], [NEIGHBORHOOD, VACANT]
    nola[2]["title"], nola[2]["organization"] = (
        "Executive Director",
        "Greater New Orleans Civic Talent Partnership",
    )
    nola[2]["topics"] = [ECONOMIC, DATA]

    n = len(participants)
    facilitators = []
    for i, (title, topics) in enumerate(NOLA_FACILITATORS):
        pid = f"p{n + i + 1:03d}"
        facilitators.append(
            person(
                pid,
                people.name(),
                None,
                "facilitator",
                title,
                "Civic Exchange Collaborative",
                topics,
            )
        )
    participants += facilitators
    n = len(participants)
    staff = []
    for i, title in enumerate(NOLA_STAFF):
        staff.append(
            person(
                f"p{n + i + 1:03d}", people.name(), None, "staff", title, "Peer Cities Network", []
            )
        )
    # Staff work the event (they attend plenaries); one hosts networking tables and one
    # leads a tour, which takes a seat on it.
    staff[0]["attends"] = ["plenary", "networking"]
    participants += staff
    n = len(participants)
    speakers = []
    for i, (title, org) in enumerate(NOLA_SPEAKERS):
        speakers.append(
            person(f"p{n + i + 1:03d}", people.name(), None, "speaker", title, org, [])
        )
    participants += speakers
    # Speakers come for their own day(s).
    speakers[0]["topics"], speakers[1]["topics"] = [ECONOMIC, WORKFORCE], [NEIGHBORHOOD, ZONING]
    speakers[2]["topics"] = [FINANCE, ECONOMIC]
    speakers[0]["arrives"], speakers[0]["departs"] = at(day[1], "08:00"), at(day[1], "16:30")
    speakers[1]["arrives"], speakers[1]["departs"] = at(day[2], "08:00"), at(day[2], "13:30")
    speakers[2]["arrives"] = at(day[2], "19:00")

    # -- sessions ---------------------------------------------------------------------
    by_city: dict[str, list[Row]] = defaultdict(list)
    for p in participants:
        if p["city_id"]:
            by_city[p["city_id"]].append(p)
    load: Counter[str] = Counter()

    def presenter(cid: str, topic: str, taken: list[str]) -> str:
        def score(p: Row) -> tuple[int, int, int]:
            return (
                load[p["participant_id"]],
                0 if topic in p["topics"] else 1,
                0 if p["role"] == "official" else 1,
            )

        options = [
            p
            for p in by_city[cid]
            if p["participant_id"] not in taken and load[p["participant_id"]] < 2
        ]
        best = min(options, key=score)
        load[best["participant_id"]] += 1
        return str(best["participant_id"])

    sessions: list[Row] = [
        session(
            "pl-opening",
            "Opening Plenary: Welcome to New Orleans and the State of Our Cities",
            "plenary",
            ECONOMIC,
            [nola[0]["participant_id"], speakers[0]["participant_id"]],
            "Welcome from the host city, then a keynote on what is driving - and holding back - "
            "growth in the nation's mid-size, economically challenged cities.",
            slot_id="d1-plenary",
            room_id="ballroom",
        ),
        session(
            "pl-recovery",
            "Plenary: A Decade of Rebuilding - What New Orleans Learned About Recovery",
            "plenary",
            NEIGHBORHOOD,
            [nola[0]["participant_id"], speakers[1]["participant_id"]],
            "Blight, housing, broadband and the talent partnership: candid lessons from "
            "New Orleans' recovery, with questions from the floor.",
            slot_id="d2-plenary",
            room_id="ballroom",
        ),
        session(
            "pl-finance",
            "Plenary: Financing Inclusive Growth in Mid-Size Cities",
            "plenary",
            FINANCE,
            [speakers[2]["participant_id"]],
            "Community development finance, philanthropy and public balance sheets working "
            "together, with three short city case studies.",
            slot_id="d3-plenary",
            room_id="ballroom",
        ),
        session(
            "pl-closing",
            "Closing Plenary: Commitments, Next Steps and the Year Ahead",
            "plenary",
            CIVIC,
            [nola[1]["participant_id"], speakers[2]["participant_id"]],
            "Each delegation shares one commitment from its action plan; the network "
            "outlines follow-up peer exchanges.",
            slot_id="d3-closing",
            room_id="ballroom",
        ),
    ]
    for p in (nola[0], nola[0], nola[1]):
        load[p["participant_id"]] += 1
    for sid, title, topic, presenting, options, description in NOLA_BREAKOUTS:
        taken: list[str] = []
        for cid in presenting:
            taken.append(presenter(cid, topic, taken))
        sessions.append(session(sid, title, "breakout", topic, taken, description, **options))

    # -- presence and access ----------------------------------------------------------
    speaking = {pid for s in sessions for pid in s["presenters"]}
    delegates = [p for p in participants if p["city_id"]]
    free = [p for p in delegates if p["participant_id"] not in speaking]
    changed = rng.sample(free, 8)
    for p in changed[:4]:
        p["arrives"] = at(day[1], "13:00")  # missed the morning flight
    for p in changed[4:7]:
        p["departs"] = at(day[3], "12:30")  # leaves before the closing lunch
    changed[7]["departs"] = at(day[3], "11:00")  # leaves before action planning
    needs_access = rng.sample([p for p in delegates if p not in changed], 5)
    needs_access.append(facilitators[3])
    for p in needs_access:
        p["accessible"] = True

    # -- tours, preferences, networking -----------------------------------------------
    tours = [dict(t, slot_id="d2-tours", leaders=[]) for t in NOLA_TOURS]
    tours[1]["leaders"] = [staff[1]["participant_id"]]
    preferences = rank_everything(
        rng, participants, cities, sessions, tours, breakouts=8, n_tours=3
    )
    networking = [
        {"slot_id": "d1-lunch", "table_size": 8},
        {"slot_id": "d1-reception", "table_size": 8},
        {"slot_id": "d2-lunch", "table_size": 6},
        {"slot_id": "d3-breakfast", "table_size": 6},
    ]
    steering = [by_city["meridian-ms"][0], by_city["rocky-mount-nc"][0]]
    rules = [
        {"rule": "host", "participant_id": staff[0]["participant_id"], "other_id": None, "slot_id": None},
        {"rule": "host", "participant_id": nola[0]["participant_id"], "other_id": None,
         "slot_id": "d1-reception"},
        {"rule": "apart", "participant_id": facilitators[0]["participant_id"],
         "other_id": facilitators[1]["participant_id"], "slot_id": None},
        {"rule": "together", "participant_id": steering[0]["participant_id"],
         "other_id": steering[1]["participant_id"], "slot_id": "d2-lunch"},
    ]  # fmt: skip
    event = [
        {"key": "name", "value": "Peer Cities Network National Convening 2027"},
        {"key": "host_city", "value": "New Orleans, LA"},
        {"key": "timezone", "value": "America/Chicago"},
        {
            "key": "venue",
            "value": "Riverbend Crescent Hotel & Conference Center, "
            "800 Poydras Street, New Orleans, LA 70112",
        },
    ]
    return {
        "event": event,
        "cities": cities,
        "participants": participants,
        "rooms": [dict(r) for r in NOLA_ROOMS],
        "slots": slots,
        "sessions": sessions,
        "tours": tours,
        "preferences": preferences,
        "networking": networking,
        "networking_rules": rules,
    }


def rank_everything(
    rng: random.Random,
    participants: Sequence[Row],
    cities: Sequence[Row],
    sessions: Sequence[Row],
    tours: Sequence[Row],
    *,
    breakouts: int,
    n_tours: int,
) -> list[Row]:
    """Each delegate ranks ``breakouts`` breakouts and ``n_tours`` tours, leaning to their topics.

    Nobody ranks a session their own delegation presents; people who need
    step-free access do not rank walking tours.
    """
    city_topics = {c["city_id"]: set(c["topics"]) for c in cities}
    member_city = {p["participant_id"]: p["city_id"] for p in participants}
    out: list[Row] = []
    for p in participants:
        cid = p["city_id"]
        if not cid:
            continue
        interests = city_topics[cid] | set(p["topics"])
        options = [
            s
            for s in sessions
            if s["kind"] == "breakout" and not any(member_city[x] == cid for x in s["presenters"])
        ]
        weights = [
            (8.0 if s["topic"] in p["topics"] else 4.0 if s["topic"] in interests else 1.0)
            for s in options
        ]
        picked = ranked_sample(rng, [s["session_id"] for s in options], weights, breakouts)
        out += [
            {"participant_id": p["participant_id"], "item_id": sid, "rank": r}
            for r, sid in enumerate(picked, 1)
        ]
        ok_tours = [t for t in tours if not (p["accessible"] and t["walking"])]
        weights = [3.0 if t["topic"] in interests else 1.0 for t in ok_tours]
        picked = ranked_sample(rng, [t["tour_id"] for t in ok_tours], weights, n_tours)
        out += [
            {"participant_id": p["participant_id"], "item_id": tid, "rank": r}
            for r, tid in enumerate(picked, 1)
        ]
    return out


# -- Albany peer exchange -------------------------------------------------------------------

PX_CITIES: tuple[tuple[str, str, str, int, str, float, float, tuple[str, ...]], ...] = (
    ("detroit-mi", "Detroit", "MI", 677_100, "Midwest", 42.3314, -83.0458, (VACANT, PLACEMAKING, NEIGHBORHOOD)),
    ("flint-mi", "Flint", "MI", 98_300, "Midwest", 43.0125, -83.6875, (VACANT, NEIGHBORHOOD, CIVIC)),
    ("minneapolis-mn", "Minneapolis", "MN", 410_900, "Midwest", 44.9778, -93.2650, (PLACEMAKING, NEIGHBORHOOD, ZONING)),
    ("st-paul-mn", "St. Paul", "MN", 300_900, "Midwest", 44.9537, -93.0900, (VACANT, PLACEMAKING, CIVIC)),
)  # fmt: skip

#: (city_id, role, title, organisation, topics)
PX_PEOPLE: tuple[tuple[str | None, str, str, str, tuple[str, ...]], ...] = (
    ("detroit-mi", "official", "Director of Neighborhoods", "City of Detroit", (NEIGHBORHOOD, CIVIC)),
    ("detroit-mi", "official", "Vacant Land Program Manager", "City of Detroit", (VACANT,)),
    ("detroit-mi", "partner", "Program Officer for Arts and Culture", "Motor City Arts Fund", (PLACEMAKING,)),
    ("detroit-mi", "partner", "Executive Director", "Eastside Neighbors Land Collaborative", (VACANT, CIVIC)),
    ("flint-mi", "official", "Director of Planning and Development", "City of Flint", (ZONING, VACANT)),
    ("flint-mi", "official", "Blight Elimination Manager", "City of Flint", (VACANT,)),
    ("flint-mi", "partner", "Executive Director", "Genesee Neighborhood Arts Collaborative", (PLACEMAKING, CIVIC)),
    ("minneapolis-mn", "official", "Senior Planner, Community Planning and Economic Development", "City of Minneapolis", (ZONING, NEIGHBORHOOD)),
    ("minneapolis-mn", "official", "Public Art Administrator", "City of Minneapolis", (PLACEMAKING,)),
    ("minneapolis-mn", "partner", "Program Director", "Northside Creative Alliance", (PLACEMAKING, NEIGHBORHOOD)),
    ("st-paul-mn", "official", "Vacant Buildings Program Supervisor", "City of St. Paul", (VACANT,)),
    ("st-paul-mn", "official", "Director of Planning and Economic Development", "City of St. Paul", (ZONING, NEIGHBORHOOD)),
    ("st-paul-mn", "partner", "Executive Director", "Frogtown Arts and Land Partnership", (PLACEMAKING, CIVIC)),
    (None, "facilitator", "Senior Facilitator", "Center for Vacant Property Practice", (VACANT, NEIGHBORHOOD)),
    (None, "facilitator", "Facilitator", "Center for Vacant Property Practice", (PLACEMAKING, CIVIC)),
    (None, "speaker", "Co-Director", "The Porchlight Project (Albany)", (PLACEMAKING, VACANT)),
)  # fmt: skip


def build_peer_exchange() -> Tables:
    rng = random.Random(2015)
    people = People(rng)
    d1, d2 = dt.date(2027, 6, 9), dt.date(2027, 6, 10)
    cities = [
        {
            "city_id": cid,
            "name": name,
            "state": state,
            "topics": list(topics),
            "population": pop,
            "region": region,
            "latitude": lat,
            "longitude": lon,
        }
        for cid, name, state, pop, region, lat, lon, topics in PX_CITIES
    ]
    participants = [
        person(f"p{i:03d}", people.name(), cid, role, title, org, topics)
        for i, (cid, role, title, org, topics) in enumerate(PX_PEOPLE, 1)
    ]
    pid = {i: p["participant_id"] for i, p in enumerate(participants, 1)}
    participants[4]["accessible"] = True  # Flint's planning director uses a wheelchair
    speaker = participants[15]
    speaker["arrives"], speaker["departs"] = at(d1, "08:30"), at(d1, "17:00")
    slots = [
        slot("d1-coffee", d1, "08:30", "09:00", "break", "Registration and coffee"),
        slot("d1-welcome", d1, "09:00", "10:00", "plenary"),
        slot("d1-breakout", d1, "10:15", "11:30", "breakout"),
        slot("d1-lunch", d1, "11:45", "12:45", "networking"),
        slot("d1-tour", d1, "13:00", "16:00", "tour"),
        slot("d1-debrief", d1, "16:15", "17:00", "plenary"),
        slot(
            "d1-dinner",
            d1,
            "18:00",
            "20:00",
            "networking",
            "Dinner at Lark Street Kitchen",
            "Lark Street Kitchen, 201 Lark Street, Albany",
        ),
        slot("d2-breakfast", d2, "08:30", "09:00", "break", "Breakfast"),
        slot("d2-breakout", d2, "09:00", "10:15", "breakout"),
        slot("d2-coffee", d2, "10:15", "10:30", "break", "Coffee"),
        slot("d2-action-planning", d2, "10:30", "12:00", "action_planning"),
        slot("d2-lunch", d2, "12:00", "13:00", "networking"),
        slot("d2-closing", d2, "13:00", "13:45", "plenary"),
    ]
    rooms = [
        {"room_id": "main-hall", "name": "Main Hall", "capacity": 40, "accessible": True},
        {"room_id": "library", "name": "Library Room", "capacity": 14, "accessible": True},
        {"room_id": "studio", "name": "Second-Floor Studio", "capacity": 12, "accessible": False},
    ]
    sessions = [
        session("pl-welcome", "Welcome: Why Light Up Vacant Buildings?", "plenary", PLACEMAKING,
                [pid[14], pid[16]],
                "Introductions, goals for the exchange, and the story of the Porchlight "
                "installation in Albany's vacant row houses.",
                slot_id="d1-welcome", room_id="main-hall"),
        session("pl-debrief", "Tour Debrief: What Would This Look Like at Home?", "plenary",
                PLACEMAKING, [pid[15]],
                "A facilitated debrief of the tour: what surprised each delegation and which "
                "ideas would travel home.",
                slot_id="d1-debrief", room_id="main-hall"),
        session("pl-closing", "Closing Circle: One Commitment from Each City", "plenary", CIVIC,
                [pid[14]], "Each delegation reports its next step and a date.",
                slot_id="d2-closing", room_id="main-hall"),
        session("x1", "Inside the Porchlight Project: Permits, Partners and Property Owners",
                "breakout", PLACEMAKING, [pid[16]],
                "The nuts and bolts: site control, insurance, code officials, lighting "
                "contractors and keeping neighbors in the loop.",
                slot_id="d1-breakout"),
        session("x2", "Detroit: Side Lot Sales and Neighbor-Led Lot Stewardship", "breakout",
                VACANT, [pid[2], pid[4]],
                "How residents and block clubs took over care of vacant lots, and the "
                "city's role in making it stick."),
        session("x3", "Flint: Pairing Blight Elimination with Public Art", "breakout", NEIGHBORHOOD,
                [pid[6], pid[7]],
                "Sequencing board-ups, demolition and temporary art so neighborhoods "
                "see change quickly."),
        session("x4", "St. Paul: Vacant Buildings, Code Enforcement and Creative Reuse",
                "breakout", VACANT, [pid[11]],
                "Using the vacant building registry to find sites for temporary arts uses."),
        session("x5", "Minneapolis: Arts-Led Corridor Revitalization on the North Side",
                "breakout", PLACEMAKING, [pid[9], pid[10]],
                "Public art, small grants to artists and storefront activation along a "
                "commercial corridor.", capacity=12),
    ]  # fmt: skip
    tours = [
        {
            "tour_id": "t-porchlight",
            "title": "Porchlight Neighborhood Tour: Arbor Hill and the South End",
            "capacity": 10,
            "slot_id": "d1-tour",
            "walking": False,
            "topic": PLACEMAKING,
            "departures": 2,
            "meeting_point": "Clinton Avenue entrance (two accessible vans)",
            # The Porchlight artist shows the houses: she rides the van as its leader.
            "leaders": [pid[16]],
            "description": "Lit vacant row houses, the repaired homes now for sale, and a stop "
            "at the neighborhood association that hosted the artists.",
        }
    ]
    preferences = rank_everything(
        rng, participants, cities, sessions, tours, breakouts=3, n_tours=0
    )
    networking = [
        {"slot_id": "d1-lunch", "table_size": 6},
        {"slot_id": "d1-dinner", "table_size": 6},
        {"slot_id": "d2-lunch", "table_size": 6},
    ]
    rules = [
        {"rule": "apart", "participant_id": pid[14], "other_id": pid[15], "slot_id": None},
        {
            "rule": "together",
            "participant_id": pid[3],
            "other_id": pid[10],
            "slot_id": "d1-dinner",
        },
    ]
    event = [
        {
            "key": "name",
            "value": "Bridging Policy and Placemaking: Vacant Properties Peer Exchange",
        },
        {"key": "host_city", "value": "Albany, NY"},
        {"key": "timezone", "value": "America/New_York"},
        {
            "key": "venue",
            "value": "Hudson Arbor Conference Center, 210 Clinton Avenue, Albany, NY 12210",
        },
    ]
    return {
        "event": event,
        "cities": cities,
        "participants": participants,
        "rooms": rooms,
        "slots": slots,
        "sessions": sessions,
        "tours": tours,
        "preferences": preferences,
        "networking": networking,
        "networking_rules": rules,
    }


# -- writing and reading --------------------------------------------------------------------


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return str(value)


def write_event(tables: Tables, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for sheet, columns in COLUMNS.items():
        with (folder / f"{sheet}.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(columns)
            for row in tables[sheet]:
                extra = set(row) - set(columns)
                assert not extra, f"{sheet}: unknown columns {extra}"
                writer.writerow([cell(row.get(c)) for c in columns])


def read_event(folder: Path) -> dict[str, list[dict[str, str]]]:
    out = {}
    for sheet, columns in COLUMNS.items():
        with (folder / f"{sheet}.csv").open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            assert tuple(reader.fieldnames or ()) == columns, (sheet, reader.fieldnames)
            out[sheet] = list(reader)
    return out


# -- the self-check -------------------------------------------------------------------------

ID_PATTERN = re.compile(r"^(?!\.)[A-Za-z0-9_\-.@+]+$")


class Checked:
    """An event read back from its CSV files, with the look-ups the checks need."""

    def __init__(self, raw: dict[str, list[dict[str, str]]]) -> None:
        self.raw = raw
        self.cities = raw["cities"]
        self.people = raw["participants"]
        self.rooms = {r["room_id"]: r for r in raw["rooms"]}
        self.slots = {s["slot_id"]: s for s in raw["slots"]}
        self.sessions = {s["session_id"]: s for s in raw["sessions"]}
        self.tours = {t["tour_id"]: t for t in raw["tours"]}
        self.cap = {rid: int(r["capacity"]) for rid, r in self.rooms.items()}
        self.step_free = {rid for rid, r in self.rooms.items() if r["accessible"] != "false"}
        self.ranks: dict[str, dict[str, int]] = defaultdict(dict)
        for pref in raw["preferences"]:
            self.ranks[pref["participant_id"]][pref["item_id"]] = int(pref["rank"])

    @staticmethod
    def time(text: str) -> dt.datetime:
        return dt.datetime.fromisoformat(text)

    def span(self, slot_id: str) -> tuple[dt.datetime, dt.datetime]:
        s = self.slots[slot_id]
        return self.time(s["start"]), self.time(s["end"])

    def at(self, p: dict[str, str], slot_id: str) -> bool:
        """Whether ``p`` is at the event for the slot (arrivals, departures, away)."""
        start, end = self.span(slot_id)
        return (
            (not p["arrives"] or self.time(p["arrives"]) <= start)
            and (not p["departs"] or self.time(p["departs"]) >= end)
            and slot_id not in p["away"].split(";")
        )

    def present(self, slot_id: str) -> list[dict[str, str]]:
        """Who takes a place in the slot: at the event, and attending its kind."""
        kind = self.slots[slot_id]["kind"]

        def attends(p: dict[str, str]) -> bool:
            words = p["attends"].split(";") if p["attends"] else []
            if not words:
                words = ["plenary"] if p["role"] == "staff" else ["all"]
            return kind == "break" or "all" in words or kind in words

        return [p for p in self.people if self.at(p, slot_id) and attends(p)]

    def of_kind(self, kind: str) -> list[str]:
        ids = [sid for sid, s in self.slots.items() if s["kind"] == kind]
        return sorted(ids, key=self.span)

    @staticmethod
    def presenters(s: dict[str, str]) -> list[str]:
        return [x for x in s["presenters"].split(";") if x]


def check_basics(ev: Checked) -> None:
    """Ids, references, times, shapes: the input errors the library would reject."""
    for sheet, column in (
        ("cities", "city_id"),
        ("participants", "participant_id"),
        ("rooms", "room_id"),
        ("slots", "slot_id"),
        ("sessions", "session_id"),
        ("tours", "tour_id"),
    ):
        ids = [row[column] for row in ev.raw[sheet]]
        assert all(ID_PATTERN.fullmatch(i) for i in ids), (sheet, ids)
        assert len(ids) == len(set(ids)), f"duplicate ids in {sheet}"
    assert not set(ev.sessions) & set(ev.tours)
    keys = {row["key"]: row["value"] for row in ev.raw["event"]}
    assert {"name", "host_city", "timezone", "venue"} <= set(keys)
    city_ids = {c["city_id"] for c in ev.cities}
    people = {p["participant_id"]: p for p in ev.people}
    for p in ev.people:
        assert p["role"] in {"official", "partner", "facilitator", "staff", "speaker"}
        assert (p["city_id"] in city_ids) == (p["role"] in {"official", "partner"}), p
        assert p["accessible"] in {"true", "false"}
        if p["arrives"] and p["departs"]:
            assert ev.time(p["arrives"]) < ev.time(p["departs"])
    # Slots: no two activity slots overlap, whatever their kinds; breaks don't overlap either.
    spans = sorted((ev.span(sid), sid) for sid in ev.slots)
    for ((_, a_end), a), ((b_start, _), b) in itertools.pairwise(spans):
        assert a_end <= b_start, f"slots {a} and {b} overlap"
    for s in ev.slots.values():
        assert s["kind"] in {
            "plenary",
            "breakout",
            "tour",
            "networking",
            "action_planning",
            "break",
        }
        assert ev.time(s["start"]) < ev.time(s["end"])
    # Sessions: references, pins, presenters.
    talks: Counter[str] = Counter()
    for s in ev.sessions.values():
        assert s["kind"] in {"plenary", "breakout"}
        pres = ev.presenters(s)
        assert 1 <= len(pres) <= 2 and len(set(pres)) == len(pres), s
        talks.update(pres)
        for pid in pres:
            assert pid in people, pid
            if s["slot_id"]:
                assert people[pid] in ev.present(s["slot_id"]), (s["session_id"], pid)
                if s["room_id"] and people[pid]["accessible"] == "true":
                    assert s["room_id"] in ev.step_free
        if s["slot_id"]:
            assert ev.slots[s["slot_id"]]["kind"] == s["kind"]
            assert s["offered"] == "1"
        if s["room_id"]:
            assert s["room_id"] in ev.rooms
    assert max(talks.values()) <= 2, talks.most_common(3)
    for t in ev.tours.values():
        assert not t["slot_id"] or ev.slots[t["slot_id"]]["kind"] == "tour"
        assert int(t["capacity"]) > 0 and int(t["departures"]) > 0
    # Preferences: items exist, ranks 1..k per person and kind, nobody ranks their own talk.
    for pid, ranks in ev.ranks.items():
        assert people[pid]["city_id"], pid
        for kind_items in (
            [i for i in ranks if i in ev.sessions],
            [i for i in ranks if i in ev.tours],
        ):
            assert sorted(ranks[i] for i in kind_items) == list(range(1, len(kind_items) + 1))
        for item in ranks:
            assert item in ev.sessions or item in ev.tours, item
            if item in ev.tours:
                assert not (
                    people[pid]["accessible"] == "true" and ev.tours[item]["walking"] == "true"
                )
            else:
                assert pid not in ev.presenters(ev.sessions[item])
    for row in ev.raw["networking"]:
        assert ev.slots[row["slot_id"]]["kind"] == "networking" and int(row["table_size"]) > 0
    for row in ev.raw["networking_rules"]:
        assert row["rule"] in {"together", "apart", "host"}
        assert row["participant_id"] in people
        assert (row["other_id"] in people) == (row["rule"] != "host")
        assert not row["slot_id"] or ev.slots[row["slot_id"]]["kind"] == "networking"


def check_plenaries(ev: Checked) -> None:
    for sid in ev.of_kind("plenary"):
        here = [s for s in ev.sessions.values() if s["kind"] == "plenary" and s["slot_id"] == sid]
        assert len(here) == 1, f"plenary slot {sid} needs exactly one pinned plenary"
        room = here[0]["room_id"]
        present = ev.present(sid)
        assert ev.cap[room] >= len(present), (sid, len(present))
        assert room in ev.step_free or not any(p["accessible"] == "true" for p in present)
    floating = [s for s in ev.sessions.values() if s["kind"] == "plenary" and not s["slot_id"]]
    assert not floating


def check_breakouts(ev: Checked, rng: random.Random) -> dict[str, list[tuple[str, str]]]:
    """Build a feasible breakout timetable and seating by hand; return runs by slot.

    Counting first (the library's necessary conditions), then a greedy
    witness: place every run of every session in a slot and room (pins,
    presenters present and in one room at a time, topics not against each
    other, step-free rooms for presenters who need them), then seat everyone
    present, presenters in their own runs, nobody at a session twice.
    """
    slots = ev.of_kind("breakout")
    breakouts = [s for s in ev.sessions.values() if s["kind"] == "breakout"]
    runs_needed = sum(int(s["offered"]) for s in breakouts)
    assert runs_needed <= len(slots) * len(ev.rooms), "more breakout runs than slots x rooms"
    people = {p["participant_id"]: p for p in ev.people}
    present = {sid: {p["participant_id"] for p in ev.present(sid)} for sid in slots}

    def seats(s: dict[str, str], room: str) -> int:
        return min(ev.cap[room], int(s["capacity"] or 10**6))

    runs = [(s, k) for s in breakouts for k in range(int(s["offered"]))]
    runs.sort(
        key=lambda r: (
            not r[0]["slot_id"],
            not r[0]["room_id"],
            -int(r[0]["offered"]),
            r[0]["session_id"],
            r[1],
        )
    )
    placed: dict[str, list[dict[str, str]]] = {sid: [] for sid in slots}
    for s, _ in runs:
        pres = ev.presenters(s)
        options = []
        for sid in [s["slot_id"]] if s["slot_id"] else slots:
            here = placed[sid]
            if len(here) >= len(ev.rooms) or s in here:
                continue
            if not all(p in present[sid] for p in pres):
                continue
            if any(set(pres) & set(ev.presenters(o)) for o in here):
                continue
            if s["room_id"] and any(o["room_id"] == s["room_id"] for o in here):
                continue
            clash = sum(o["topic"] == s["topic"] for o in here)
            offered_seats = sum(min(60, int(o["capacity"] or 60)) for o in here)
            options.append((clash, offered_seats / len(present[sid]), slots.index(sid), sid))
        assert options, f"no breakout slot can take a run of {s['session_id']}"
        placed[min(options)[3]].append(s)

    timetable: dict[str, list[tuple[str, str]]] = {}
    attended: dict[str, set[str]] = defaultdict(set)
    for sid in slots:
        here = placed[sid]
        assert len({o["topic"] for o in here}) == len(here), f"topics clash in {sid}"
        free = sorted(ev.rooms, key=lambda r: ev.cap[r])
        rooms: dict[str, str] = {}
        needs = {
            o["session_id"]: any(people[p]["accessible"] == "true" for p in ev.presenters(o))
            for o in here
        }
        order = sorted(
            here,
            key=lambda o: (
                not o["room_id"],
                not needs[o["session_id"]],
                -int(o["capacity"] or 10**6),
            ),
        )
        for o in order:
            if o["room_id"]:
                room = o["room_id"]
            else:
                fits = [r for r in free if not needs[o["session_id"]] or r in ev.step_free]
                big_enough = [r for r in fits if o["capacity"] and ev.cap[r] >= int(o["capacity"])]
                room = big_enough[0] if big_enough else fits[-1]
            free.remove(room)
            rooms[o["session_id"]] = room
        # Seat presenters, then people who need step-free rooms, then everyone else.
        spare = {o["session_id"]: seats(o, rooms[o["session_id"]]) for o in here}
        seated: dict[str, str] = {}
        for o in here:
            for p in ev.presenters(o):
                seated[p] = o["session_id"]
                spare[o["session_id"]] -= 1
        rest = sorted(
            present[sid] - set(seated),
            key=lambda p: (people[p]["accessible"] != "true", rng.random()),
        )
        for p in rest:
            choices = [
                o["session_id"]
                for o in here
                if spare[o["session_id"]] > 0
                and o["session_id"] not in attended[p]
                and (people[p]["accessible"] != "true" or rooms[o["session_id"]] in ev.step_free)
            ]
            assert choices, f"cannot seat {p} in breakout slot {sid}"
            mine = ev.ranks.get(p, {})
            best = min(choices, key=lambda c: (mine.get(c, 99), -spare[c]))
            seated[p] = best
            spare[best] -= 1
        for p, s_id in seated.items():
            if p not in ev.presenters(ev.sessions[s_id]):
                attended[p].add(s_id)
        assert set(seated) == present[sid]
        assert all(v >= 0 for v in spare.values())
        timetable[sid] = [(o["session_id"], rooms[o["session_id"]]) for o in here]
    counts = Counter(s_id for runs_ in timetable.values() for s_id, _ in runs_)
    assert all(counts[s["session_id"]] == int(s["offered"]) for s in breakouts)
    return timetable


def check_tours(ev: Checked) -> None:
    tour_slots = ev.of_kind("tour")
    total = 0
    for sid in tour_slots:
        present = ev.present(sid)
        tours = [t for t in ev.tours.values() if t["slot_id"] in ("", sid)]
        # Leaders ride their tour whatever they attend.
        here = {p["participant_id"] for p in present}
        for t in tours:
            for pid in (x for x in t["leaders"].split(";") if x):
                if pid not in here:
                    present.append(next(p for p in ev.people if p["participant_id"] == pid))
                    here.add(pid)
        total += len(present)
        seats = {t["tour_id"]: int(t["capacity"]) * int(t["departures"]) for t in tours}
        step_free = sum(seats[t["tour_id"]] for t in tours if t["walking"] != "true")
        needing = sum(p["accessible"] == "true" for p in present)
        assert sum(seats.values()) >= len(present), f"tour seats short in {sid}"
        assert step_free >= needing, f"not enough non-walking tour seats in {sid}"
    assert total <= sum(int(t["capacity"]) * int(t["departures"]) for t in ev.tours.values())


def check_networking(ev: Checked) -> None:
    sizes = {row["slot_id"]: int(row["table_size"]) for row in ev.raw["networking"]}
    for sid in ev.of_kind("networking"):
        present = ev.present(sid)
        size = sizes.get(sid, 8)
        biggest = max(Counter(p["city_id"] for p in present if p["city_id"]).values())
        tables = max(math.ceil(len(present) / size), biggest)
        assert math.ceil(len(present) / tables) <= size
        ids = {p["participant_id"] for p in present}
        hosts = [
            r["participant_id"]
            for r in ev.raw["networking_rules"]
            if r["rule"] == "host" and r["slot_id"] in ("", sid) and r["participant_id"] in ids
        ]
        assert len(hosts) <= tables


def check_action_planning(ev: Checked) -> None:
    for sid in ev.of_kind("action_planning"):
        present = ev.present(sid)
        coaches = sum(p["role"] == "facilitator" and not p["city_id"] for p in present)
        tables = len({p["city_id"] for p in present if p["city_id"]})
        # Every delegation table gets a coach: each facilitator works a group of tables.
        assert coaches > 0, (sid, coaches, tables)


def self_check(folder: Path) -> dict[str, Any]:
    """Check the CSVs in ``folder`` are plannable; return counts for the report."""
    ev = Checked(read_event(folder))
    check_basics(ev)
    check_plenaries(ev)
    timetable = check_breakouts(ev, random.Random(7))
    check_tours(ev)
    check_networking(ev)
    check_action_planning(ev)
    members = Counter(p["city_id"] for p in ev.people if p["city_id"])
    shapes = Counter(
        (sum(p["role"] == "official" for p in ev.people if p["city_id"] == c),
         sum(p["role"] == "partner" for p in ev.people if p["city_id"] == c))
        for c in members
    )  # fmt: skip
    return {
        "cities": len(ev.cities),
        "participants": len(ev.people),
        "roles": dict(Counter(p["role"] for p in ev.people)),
        "delegation shapes (officials, partners)": dict(shapes),
        "accessible": sum(p["accessible"] == "true" for p in ev.people),
        "late/early": sum(bool(p["arrives"] or p["departs"]) for p in ev.people),
        "rooms": len(ev.rooms),
        "slots": dict(Counter(s["kind"] for s in ev.slots.values())),
        "sessions": dict(Counter(s["kind"] for s in ev.sessions.values())),
        "breakout runs": sum(len(r) for r in timetable.values()),
        "tours": len(ev.tours),
        "tour seats": sum(int(t["capacity"]) * int(t["departures"]) for t in ev.tours.values()),
        "preferences": len(ev.raw["preferences"]),
        "present per breakout slot": {sid: len(ev.present(sid)) for sid in ev.of_kind("breakout")},
        "witness runs per breakout slot": {sid: len(r) for sid, r in timetable.items()},
    }


def main(argv: Sequence[str] = ()) -> int:
    examples = {"new_orleans": build_new_orleans, "peer_exchange": build_peer_exchange}
    for name, build in examples.items():
        folder = HERE / name
        write_event(build(), folder)
        summary = self_check(folder)
        print(f"{name}: ok")
        for key, value in summary.items():
            print(f"  {key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
