"""The two ways a service says no, shared by every domain and by the pages, the API and the CLI.

ValidationError: the input is wrong; `errors` maps each field to its messages, all of them at once.
Refused: the input is fine but the rules say no as a whole (the event is full, the room is taken);
`reason` is a stable code callers act on (the API answers 409 or 422 with it).
"""


class ValidationError(ValueError):
    """Input refused by a service. `errors` maps a field name to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items()))

    @property
    def messages(self) -> list[str]:
        """Every message, in field order, for a flash or a CLI line."""
        return [message for messages in self.errors.values() for message in messages]


class Refused(ValueError):
    """An action the rules refuse as a whole. `reason` is a code for callers, e.g. closed, not_eligible,
    over_quota, duplicate, full_for_promotion, wrong_status, overlap; `field` the input it concerns."""

    def __init__(self, reason: str, message: str, field: str = "_form"):
        self.reason, self.message, self.field = reason, message, field
        super().__init__(message)
