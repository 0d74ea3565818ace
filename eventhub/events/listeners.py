"""What events tell other domains' pages (eventhub.core.signals); connected once by create_app."""
from sqlalchemy import select

from eventhub.core import signals
from eventhub.events.models import Event
from eventhub.extensions import db


@signals.member_participation.connect
def hosted_events(organisation, **kwargs) -> dict:
    """The events the organisation hosted, latest first."""
    query = select(Event).where(Event.host_organisation_id == organisation.id).order_by(Event.start_at.desc())
    return {"hosted_events": list(db.session.scalars(query))}
