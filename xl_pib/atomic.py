"""Writing an output so that it is always whole: the old file or the new one, never half of either.

Standard library only, so that processes that must stay light (the batch parent) can use it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(path: str | Path) -> Iterator[Path]:
    """A temporary file beside ``path`` (``.NAME.XXXXXXXX.tmp``) to write; on success it replaces ``path``
    in one rename, on any failure (or Ctrl-C) it is removed, so ``path`` is always whole: old or new."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        yield Path(temporary)
        # mkstemp creates 0600 files; give the output the permissions any new file gets.
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process umask, read without changing it where the OS allows (os.umask can only set it,
    which would race with a server's other threads creating files)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    current = os.umask(0o022)
    os.umask(current)
    return current
