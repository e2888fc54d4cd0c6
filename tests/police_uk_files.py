"""police.uk-style files for the ingest tests, in the real column layout (imported as a plain module).

Rows are random but seeded; the tests count them independently with pandas.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import numpy as np

COLUMNS = ["Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location", "LSOA code",
           "LSOA name", "Crime type", "Last outcome category", "Context"]
CRIME_TYPES = ["Anti-social behaviour", "Bicycle theft", "Burglary", "Criminal damage and arson", "Drugs",
               "Other crime", "Other theft", "Possession of weapons", "Public order", "Robbery", "Shoplifting",
               "Theft from the person", "Vehicle crime", "Violence and sexual offences"]
OUTCOMES = ["Investigation complete; no suspect identified", "Unable to prosecute suspect", "Under investigation",
            "Offender given a caution", ""]


def street_rows(rng, month: str, force: str, n: int, lsoas: list[str], no_lsoa_share: float = 0.02,
                types: list[str] = CRIME_TYPES, weights=None) -> list[list[str]]:
    """``n`` rows for one force and month; about ``no_lsoa_share`` of them without a location."""
    kinds = rng.choice(types, n, p=weights)
    where = rng.choice(lsoas, n)
    blank = rng.random(n) < no_lsoa_share
    rows = []
    for i in range(n):
        asb = kinds[i] == "Anti-social behaviour"
        crime_id = "" if asb else hashlib.sha256(f"{force}{month}{i}".encode()).hexdigest()
        lsoa = "" if blank[i] else where[i]
        rows.append([crime_id, month, force, force,
                     "" if blank[i] else f"{-0.9 + rng.random() / 10:.6f}",
                     "" if blank[i] else f"{52.3 + rng.random() / 10:.6f}",
                     "No location" if blank[i] else f"On or near {rng.choice(['High Street', 'Church Lane', 'Mill Road, Rushden'])}",
                     lsoa, "" if blank[i] else f"Kettering {lsoa[-3:]}", kinds[i],
                     "" if asb else rng.choice(OUTCOMES), ""])
    return rows


def write_street_csv(path: Path, rows: list[list[str]], header: list[str] = COLUMNS) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def month_list(first: str, count: int) -> list[str]:
    year, month = map(int, first.split("-"))
    out = []
    for k in range(count):
        y, m = divmod(month - 1 + k, 12)
        out.append(f"{year + y:04d}-{m + 1:02d}")
    return out


def download_folder(root: Path, forces: dict[str, list[str]], months: list[str], rows_per_file: int,
                    seed: int = 1) -> Path:
    """The police.uk download layout: ROOT/YYYY-MM/YYYY-MM-<force>-street.csv (plus an outcomes file)."""
    rng = np.random.default_rng(seed)
    for month in months:
        for force, lsoas in forces.items():
            slug = force.lower().replace(" ", "-")
            write_street_csv(root / month / f"{month}-{slug}-street.csv",
                             street_rows(rng, month, force, rows_per_file, lsoas))
            # outcomes files sit beside the street files in the download and must be ignored
            (root / month / f"{month}-{slug}-outcomes.csv").write_text("Crime ID,Month\nx,y\n")
    return root


def write_lookup(path: Path, areas: dict[str, list[str]], header=("LSOA code", "Area")) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for area, lsoas in areas.items():
            writer.writerows([[lsoa, area] for lsoa in lsoas])
    return path
