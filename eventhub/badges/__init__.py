"""Attendee badges: the private code each confirmed registration carries, its life (issued,
reissued, revoked), and the printed badges (rendered by eventhub.printing.badges)."""
