"""Benchmarks: `make bench`. Each issue that names a figure adds its benchmark here."""
import sys


def main() -> int:
    print("No benchmarks yet: the first figures (scans/s, badges/s) arrive with check-in and badges.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
