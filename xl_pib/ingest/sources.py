"""Which police.uk files to read: paths, download folders and downloaded .zip archives.

The police.uk download unpacks to ``YYYY-MM/YYYY-MM-<force>-street.csv`` (with
``-outcomes.csv`` and ``-stop-and-search.csv`` beside them, which are not
street-level crimes). A folder or archive contributes its ``*-street.csv``
files; a file named on the command line is read whatever its name. Archive
members are streamed out to a temporary folder that lives as long as the
``Sources`` object, since DuckDB reads files, not zip members.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError

STREET = "-street.csv"


@dataclass
class Sources:
    files: list[str] = field(default_factory=list)  # what DuckDB reads
    display: dict[str, str] = field(default_factory=dict)  # file -> the name the analyst knows it by
    _temporary: tempfile.TemporaryDirectory | None = None

    def add(self, path: Path, name: str) -> None:
        key = str(path)
        if key in self.display:
            raise InputError(name, "each file once (it is given twice, so its month and force would be "
                             "counted twice)")
        self.files.append(key)
        self.display[key] = name

    def extract(self, archive: Path) -> None:
        if self._temporary is None:
            self._temporary = tempfile.TemporaryDirectory(prefix="xl-pib-ingest-")
        target = Path(self._temporary.name) / f"{len(self.display)}-{archive.stem}"
        try:
            with zipfile.ZipFile(archive) as zf:
                members = sorted(m for m in zf.namelist() if m.lower().endswith(STREET) and not m.endswith("/"))
                if not members:
                    raise InputError(archive.name, f"police.uk street-level files (*{STREET}) in the archive")
                for index, member in enumerate(members):
                    out = target / f"{index}-{Path(member).name}"
                    out.parent.mkdir(parents=True, exist_ok=True)
                    with zf.open(member) as source, open(out, "wb") as sink:
                        shutil.copyfileobj(source, sink, 1 << 20)
                    self.add(out, f"{archive.name}:{member}")
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as error:
            raise InputError(archive.name, f"a complete .zip archive ({error})") from None

    def close(self) -> None:
        if self._temporary is not None:
            self._temporary.cleanup()
            self._temporary = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def resolve(paths: list[str | Path]) -> Sources:
    """Every street-level file under ``paths``, in a stable order, each once."""
    sources = Sources()
    try:
        for given in paths:
            path = Path(given)
            if path.is_dir():
                found = sorted(p for p in path.rglob(f"*{STREET}") if p.is_file())
                if not found:
                    raise InputError(str(path), f"police.uk street-level files (YYYY-MM/YYYY-MM-<force>{STREET})")
                for file in found:
                    sources.add(file.resolve(), str(file))
            elif path.suffix.lower() == ".zip" and path.is_file():
                sources.extract(path)
            elif path.is_file():
                sources.add(path.resolve(), str(path))
            else:
                raise InputError(str(path), "an existing file, folder or .zip archive")
    except BaseException:
        sources.close()
        raise
    return sources
