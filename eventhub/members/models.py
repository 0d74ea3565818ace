"""Organisations (member cities and partners), networks and world regions."""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.core.types import UTCDateTime, utcnow
from eventhub.extensions import db

# Stored value -> label in the language being spoken. Local governments first, then partners, as organisers
# think of them. The labels are lazy (translated when shown): str() one before keeping or comparing it; the
# database, the API and CSV files hold the keys (the CSV import also accepts the English labels).
KINDS = {
    "city": _l("City"),
    "town": _l("Town"),
    "county": _l("County"),
    "region": _l("Region"),
    "metropolitan_area": _l("Metropolitan area"),
    "association": _l("Association of local governments"),
    "international_organisation": _l("International organisation"),
    "business": _l("Business"),
    "academia": _l("Academia"),
    "ngo": _l("NGO"),
    "national_government": _l("National government"),
}
LOCAL_GOVERNMENT_KINDS = ("city", "town", "county", "region", "metropolitan_area", "association")
STATUSES = {"member": _l("Member"), "former_member": _l("Former member"), "non_member": _l("Non-member")}
DEFAULT_REGIONS = (
    "Africa",
    "East Asia",
    "Europe",
    "Latin America & Caribbean",
    "North America",
    "Oceania",
    "South Asia",
    "Southeast Asia",
)


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


network_members = Table(
    "network_members",
    db.metadata,
    Column("network_id", ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True, index=True),
)


# The world regions migration 0001 seeds, by their stored names: shown translated, stored as they are.
SEEDED_REGION_NAMES = {"Africa": _l("Africa"), "East Asia": _l("East Asia"), "Europe": _l("Europe"),
                       "Latin America & Caribbean": _l("Latin America & Caribbean"),
                       "North America": _l("North America"), "Oceania": _l("Oceania"), "South Asia": _l("South Asia"),
                       "Southeast Asia": _l("Southeast Asia")}


class Region(db.Model):
    """A world region; the eight defaults are seeded by the first migration, organisers may add more."""

    __tablename__ = "regions"
    audit_type = "region"  # what its audit entries are filed under (eventhub.audit)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)

    def __repr__(self) -> str:
        return f"<Region {self.name}>"

    @property
    def display_name(self) -> str:
        """The name in the reader's language for the seeded regions; as typed for the others."""
        return str(SEEDED_REGION_NAMES.get(self.name, self.name))

    @property
    def audit_label(self) -> str:
        """How other records' audit entries name this one."""
        return self.name


class Organisation(db.Model):
    __tablename__ = "organisations"
    audit_type = "organisation"  # what its audit entries are filed under (eventhub.audit)
    __table_args__ = (
        CheckConstraint(_in("kind", KINDS), name="kind_known"),
        CheckConstraint(_in("status", STATUSES), name="status_known"),
        CheckConstraint("population IS NULL OR population >= 0", name="population_positive"),
        CheckConstraint("length(country) = 2", name="country_alpha2"),
        UniqueConstraint("name", "country", name="uq_organisations_name_country"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # The name in its own script, e.g. 서울특별시 or Москва.
    local_name: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    # ISO 3166-1 alpha-2, upper case.
    country: Mapped[str] = mapped_column(String(2), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="RESTRICT"), index=True)
    population: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(20), default="member", index=True)
    member_since: Mapped[date | None]
    website: Mapped[str | None] = mapped_column(String(300))
    notes: Mapped[str | None] = mapped_column(Text)
    # The e-mail domains of its staff (lower case, e.g. ["lisboa.pt", "cm-lisboa.pt"]): a registration
    # that claims the organisation from another address needs an organiser's approval where membership
    # counts (eventhub.registration.rules.claim_proven). Empty: claims are not checked.
    email_domains: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    # Key of the record in the CRM the CSV came from; re-imports match on it.
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    # Folded name + local name (see eventhub.core.text.fold), so search ignores accents and case.
    search_text: Mapped[str] = mapped_column(String(420), default="", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    region: Mapped[Region | None] = relationship(lazy="joined")
    networks: Mapped[list["Network"]] = relationship(
        secondary=network_members, back_populates="members", order_by="Network.name"
    )

    @property
    def kind_label(self) -> str:
        """The kind in the language being spoken, e.g. "Ville"."""
        return str(KINDS.get(self.kind, self.kind))

    @property
    def status_label(self) -> str:
        """The status in the language being spoken, e.g. "Membre"."""
        return str(STATUSES.get(self.status, self.status))

    def __repr__(self) -> str:
        return f"<Organisation {self.name} ({self.country})>"

    @property
    def audit_label(self) -> str:
        """How other records' audit entries name this one."""
        return self.name


class Network(db.Model):
    """A thematic or regional group of organisations."""

    __tablename__ = "networks"
    audit_type = "network"  # what its audit entries are filed under (eventhub.audit)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[Organisation]] = relationship(
        secondary=network_members, back_populates="networks", order_by="Organisation.name"
    )

    def __repr__(self) -> str:
        return f"<Network {self.name}>"

    @property
    def audit_label(self) -> str:
        """How other records' audit entries name this one."""
        return self.name
