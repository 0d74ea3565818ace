"""The story `flask demo` tells: networks, events and demo accounts (static values only)."""

# Tag letter (see demo_data) -> network. Only local governments that are members join.
NETWORKS = {
    "r": {
        "name": "Climate Resilience Network",
        "description": (
            "Cities and regions preparing for heat waves, floods, droughts and sea-level rise: "
            "shared risk assessments, adaptation plans and early-warning systems."
        ),
    },
    "n": {
        "name": "Urban Nature Network",
        "description": (
            "Local governments restoring urban biodiversity: green corridors, urban forests, "
            "wetlands and nature-based solutions in planning."
        ),
    },
    "c": {
        "name": "Circular Cities Network",
        "description": (
            "Cities moving to a circular economy: circular procurement, waste prevention, "
            "repair and reuse, and circular construction."
        ),
    },
}

# Events relative to the day `flask demo` runs, so they are always upcoming. Times are
# wall-clock times in the event's own timezone; the start day moves to the given weekday
# (Monday = 0) on or after today + days_ahead.
EVENTS = [
    {
        "kind": "congress",
        "title": "World Congress {year}",
        "summary": "Three days in Malmö with mayors, practitioners and partners from every world region.",
        "description": (
            "The World Congress brings the whole network together:\n\n"
            "- plenaries with **mayors and governors**;\n"
            "- technical sessions on climate resilience, nature and circular economy;\n"
            "- study tours of Malmö's Western Harbour and Augustenborg eco-district.\n\n"
            "Travel and visa help: [practical information](https://example.org/congress/practical)."
        ),
        # Visitors reading French, Spanish or Portuguese see these (the description stays in English).
        "translations": {
            "fr": {"title": "Congrès mondial {year}",
                   "summary": "Trois jours à Malmö avec des maires, des praticiens et des partenaires de toutes les "
                              "régions du monde."},
            "es": {"title": "Congreso Mundial {year}",
                   "summary": "Tres días en Malmö con alcaldes, profesionales y socios de todas las regiones del mundo."},
            "pt_BR": {"title": "Congresso Mundial {year}",
                      "summary": "Três dias em Malmö com prefeitos, profissionais e parceiros de todas as regiões do "
                                 "mundo."},
        },
        "contact_email": "congress@example.org",
        "contact_phone": "+46 40 34 10 00",
        "host": "Malmö",
        "timezone": "Europe/Stockholm",
        "venue_name": "Malmö Live Konserthus",
        "venue_address": "Dag Hammarskjölds torg 4\n211 18 Malmö\nSweden",
        "latitude": 55.6077,
        "longitude": 12.9936,
        "capacity": 1500,
        "days_ahead": 150,
        "weekday": 1,
        "days": 3,
        "daily_hours": ((9, 0), (18, 0)),
        "registration_closes_days_before": 14,
        "network": None,
        "publish": True,
    },
    {
        "kind": "network_meeting",
        "title": "Urban Nature Network Meeting {year}",
        "summary": "Two days in Seoul on green corridors, urban forests and restoring rivers.",
        "description": (
            "Members of the Urban Nature Network meet to compare nature-based solutions, visit "
            "the Cheonggyecheon stream restoration and agree the network's work plan."
        ),
        "contact_email": "urban-nature@example.org",
        "contact_phone": None,
        "host": "Seoul",
        "timezone": "Asia/Seoul",
        "venue_name": "Seoul Botanic Park",
        "venue_address": "161 Magokdong-ro, Gangseo-gu\nSeoul 07806\nRepublic of Korea",
        "latitude": 37.5694,
        "longitude": 126.8350,
        "capacity": 120,
        "days_ahead": 75,
        "weekday": 2,
        "days": 2,
        "daily_hours": ((9, 30), (17, 0)),
        "registration_closes_days_before": 7,
        "network": "n",
        "publish": True,
    },
    {
        "kind": "network_meeting",
        "title": "Circular Cities Network Meeting {year}",
        "summary": "Circular procurement and construction, hosted by Bengaluru.",
        "description": "Draft programme: site visits to decentralised waste-processing centres.",
        "contact_email": "circular@example.org",
        "contact_phone": "+91 80 2497 1010",
        "host": "Bengaluru",
        "timezone": "Asia/Kolkata",
        "venue_name": "Bangalore International Centre",
        "venue_address": "7, 4th Main Road, Domlur II Stage\nBengaluru 560071\nIndia",
        "latitude": 12.9606,
        "longitude": 77.6410,
        "capacity": 80,
        "days_ahead": 240,
        "weekday": 3,
        "days": 2,
        "daily_hours": ((10, 0), (17, 30)),
        "registration_closes_days_before": 10,
        "network": "c",
        "publish": False,
    },
]

# One account per role; the passwords are printed after every run, so they are not secrets.
ACCOUNTS = [
    {"role": "admin", "email": "admin@eventhub.test", "password": "demo-admin", "full_name": "Åsa Lindqvist"},
    {
        "role": "organiser",
        "email": "organiser@eventhub.test",
        "password": "demo-organiser",
        "full_name": "Thandiwe Nkosi",
    },
    {"role": "checkin", "email": "checkin@eventhub.test", "password": "demo-checkin", "full_name": "Kenji Watanabe"},
]

URL = "http://127.0.0.1:5000"
