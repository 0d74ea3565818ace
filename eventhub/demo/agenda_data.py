"""What the demo congress agenda is made of: rooms, tracks, titles and external speakers (plain data)."""

# (name, capacity, location, accessibility notes); the plenary hall comes first in the timetable.
ROOMS = [
    ("Plenary hall", 1200, "Level 0, Concert hall", "Step-free access, hearing loop, wheelchair spaces in row 1."),
    ("Room A", 250, "Level 1, Sal A", "Lift from the foyer; hearing loop."),
    ("Room B", 180, "Level 1, Sal B", "Lift from the foyer."),
    ("Room C", 150, "Level 2, Sal C", "Lift; step-free entrance from the east corridor."),
    ("Room D", 120, "Level 2, Sal D", "Lift; portable hearing loop on request."),
    ("Room E", 90, "Level 3, Studio E", "Lift; no hearing loop."),
    ("Room F", 60, "Level 3, Studio F", "Lift; the room has a step at the back."),
    ("Workshop studio", 40, "Level 0, Studio by the canal", "Step-free; movable tables for wheelchair users."),
]
WORKSHOP_ROOM = "Workshop studio"

TRACKS = {
    "Climate resilience": "#c62828",
    "Nature-based solutions": "#2e7d32",
    "Circular economy": "#6a1b9a",
    "Sustainable mobility": "#1565c0",
    "Just transition": "#ef6c00",
}

# Topics per track; the plan pairs them with FORMATS so titles do not repeat.
TOPICS = {
    "Climate resilience": [
        "Heatwave action plans", "Flood-proof neighbourhoods", "Early warning systems for cities",
        "Climate risk assessments that councils use", "Insurance and the protection gap",
        "Drought and urban water security", "Coastal cities and sea-level rise", "Resilient health services",
    ],
    "Nature-based solutions": [
        "Urban forests and street trees", "Restoring urban rivers", "Sponge cities", "Green roofs at scale",
        "Biodiversity in municipal planning", "Wetlands as city infrastructure", "Pocket parks in dense districts",
        "Valuing ecosystem services",
    ],
    "Circular economy": [
        "Circular public procurement", "Construction waste as a resource", "Food loss in city supply chains",
        "Repair cafés and sharing platforms", "Textiles after use", "Municipal composting",
        "Circular business parks", "Plastics-free public events",
    ],
    "Sustainable mobility": [
        "Electric bus fleets", "Fifteen-minute cities", "Safe streets for children", "Cycling networks that connect",
        "Low-emission zones", "Logistics and last-mile delivery", "Public transport financing",
        "Walkable city centres",
    ],
    "Just transition": [
        "Green jobs in local economies", "Energy poverty and renovation", "Informal settlements and climate action",
        "Participatory budgeting for climate", "Gender-responsive climate policy", "Youth voices in city planning",
        "Coal regions in transition", "Affordable housing and climate",
    ],
}
FORMATS = [
    "{topic}: what cities have learnt", "Peer exchange: {topic}", "From pilot to scale: {topic}",
    "Finance lab: {topic}", "{topic} — mayors in conversation", "Data and tools for {topic_lower}",
]
# Sessions held in another language, with interpretation into English.
OTHER_LANGUAGE_TITLES = {
    "fr": ["Villes résilientes face aux canicules", "Économie circulaire : l'exemple des marchés publics",
           "Forêts urbaines et santé publique", "Mobilité douce dans les villes moyennes"],
    "es": ["Ciudades circulares: compras públicas sostenibles", "Gestión del agua en tiempos de sequía",
           "Movilidad urbana segura para la niñez", "Barrios resilientes frente a inundaciones"],
    "pt": ["Soluções baseadas na natureza nas favelas", "Transição justa nas cidades brasileiras",
           "Resíduos da construção civil como recurso", "Ônibus elétricos no transporte público"],
}
PLENARIES = [
    "Opening plenary: cities leading the way", "Morning plenary: financing the urban transition",
    "Closing plenary: the Malmö commitments",
]
WORKSHOPS = [
    "Workshop: writing a climate action plan", "Workshop: mapping heat risk with open data",
    "Workshop: designing a circular tender", "Workshop: street experiments in a weekend",
    "Workshop: engaging residents in nature projects", "Workshop: building a bankable project pipeline",
    "Workshop: measuring a just transition", "Workshop: greenhouse gas inventories for beginners",
    "Workshop: green roof design clinic", "Workshop: cycling audits", "Workshop: storytelling for climate action",
    "Workshop: procurement of electric buses",
]
SITE_VISITS = [
    "Site visit: Western Harbour (Västra hamnen)", "Site visit: Augustenborg eco-district",
    "Site visit: Malmö's cycling infrastructure by bike", "Site visit: Sysav waste-to-resource plant",
    "Site visit: Hyllie climate-smart district", "Site visit: Ribersborg beach flood defences",
]
SIDE_EVENTS = [
    "Side event: launch of the Urban Nature Atlas", "Side event: regional networks meet",
    "Side event: young professionals' lunch", "Side event: book launch — cities after carbon",
    "Side event: women mayors' roundtable", "Side event: partners' marketplace",
    "Side event: Latin American cities exchange", "Side event: African cities climate finance",
    "Side event: small towns, big ambitions",
]
RECEPTIONS = ["Welcome reception at Malmö City Hall", "Networking evening at the harbour"]
# External speakers: (name, position, organisation name as in the member records, if any).
EXTERNAL_SPEAKERS = [
    ("Amina J. Mohammed", "Deputy Secretary-General", "United Nations"),
    ("Inger Andersen", "Executive Director", "UNEP"),
    ("Gino Van Begin", "Secretary General", "ICLEI"),
    ("Sofía Hernández", "Senior researcher", "Stockholm Environment Institute"),
    ("Kwame Mensah", "Programme officer", "UN-Habitat"),
    ("Priya Raman", "Urban finance lead", "World Bank Group"),
    ("Jean-Luc Moreau", "Directeur", "Agence Française de Développement"),
    ("Yuki Tanaka", "Professor of urban planning", "University of Tokyo"),
    ("Ngozi Okafor", "Director", "C40 Cities"),
    ("Lars Pettersson", "Head of Innovation", "Malmö University"),
]
# A second round of parallel-session titles for large agendas: each base title again, seen from
# another angle ("Sponge cities: what cities have learnt — focus on Africa").
ANGLES = [
    "focus on Africa", "focus on Latin America", "focus on South Asia", "focus on Southeast Asia",
    "focus on small towns", "focus on island states", "focus on metropolitan regions", "the investor's view",
    "the youth perspective", "from the mayor's desk", "what the data say", "the next ten years",
    "lessons from failure",
]
# Capacities of the meeting rooms added for large agendas, in turn.
EXTRA_ROOM_CAPACITIES = (150, 120, 100, 80, 60)


def extra_room(number: int, name: str) -> tuple:
    """A meeting room added for a large agenda, as a ROOMS row; `number` counts from 0."""
    level = 4 + number // 5
    capacity = EXTRA_ROOM_CAPACITIES[number % len(EXTRA_ROOM_CAPACITIES)]
    return (name, capacity, f"Congress annex, level {level}", "Lift; hearing loop on request.")
