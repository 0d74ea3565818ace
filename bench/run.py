"""Benchmarks: `make bench`. Each issue that names a figure adds its benchmark here."""
import sys
from pathlib import Path

# Run as a script (python bench/run.py): the repository root holds the eventhub package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    """Run every benchmark and print its figures."""
    from bench import agenda_page, badge_render, badges, cancellation, checkin, congress_morning, demo, feeds
    from bench import organiser_lists, programme

    programme.run()
    feeds.run()
    organiser_lists.run()
    agenda_page.run()
    cancellation.run()
    demo.run()
    badges.run()
    badge_render.run()
    checkin.run()
    congress_morning.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
