"""How the directory follows registrations (eventhub.core.signals); connected by create_app."""
from sqlalchemy import delete

from eventhub.core import signals
from eventhub.directory.models import DirectoryLanguage, DirectoryTopic
from eventhub.extensions import db


@signals.registrations_anonymised.connect
def forget_directory_entries(event, registration_ids, **kwargs) -> None:
    """Anonymised people have no topics or languages left: nothing about them stays in the directory."""
    for model in (DirectoryTopic, DirectoryLanguage):
        db.session.execute(delete(model).where(model.registration_id.in_(registration_ids))
                           .execution_options(synchronize_session=False))
