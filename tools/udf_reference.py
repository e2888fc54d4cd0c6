"""What Excel shows of the =PIB_ functions, read from xlwings' own registration.

On Windows, ``@xw.func``/``@xw.arg`` record each function's name, category,
description (its docstring: the function wizard shows at most 255 characters
of it) and every argument's help text (``@xw.arg(doc=...)``); *Import
Functions* hands exactly those to Excel (``Application.MacroOptions``), and
xlwings Server puts the same ones in its Office.js metadata. That code lives
in ``xlwings.udfs``, which imports the Windows COM libraries at the top; here
those imports are satisfied with empty modules (nothing of them is called) so
xlwings' real decorators run over a private copy of ``pib_udfs``.

This is the one reading of the registration: the documentation build
(``docs/hooks/generate.py`` writes the function reference with
:func:`reference_markdown`) and the tests (``tests/helpers.registered_udfs``,
the docstring examples) both use it, so the reference cannot drift from what
Excel shows.

Examples live in the docstrings, after the description, as
``Example: =PIB_TARGET(303,"reduction_pct",0.04,"count") → 290`` (several
separated by ``;`` after ``Examples:``). A result is one or more cells
separated by commas: a number (``19.0%`` is 0.190), text, ``blank``, or
``N blanks``.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import re
import sys
import types
from dataclasses import dataclass
from pathlib import Path

_EXAMPLES = re.compile(r"\s*\bExamples?:\s*(.+)$", flags=re.S)
_ONE_EXAMPLE = re.compile(r"(=PIB_\w+\(.*\))\s*→\s*(.+)")
_SECTION = re.compile(r"^# --- (.+?) -+\s*$")


@dataclass(frozen=True)
class Argument:
    name: str
    doc: str
    optional: bool
    default: object = None


@dataclass(frozen=True)
class Example:
    formula: str
    result: str  # as written: "295.2, 296.4"

    def expected(self) -> list:
        """The cells the formula must give: floats (with the decimals shown), text, or None for a blank."""
        cells = []
        for part in (p.strip() for p in self.result.split(",")):
            blanks = re.fullmatch(r"(\d+) blanks", part)
            number = re.fullmatch(r"([-+]?\d+(?:\.(\d+))?)(%?)", part)
            if blanks:
                cells += [None] * int(blanks.group(1))
            elif part == "blank":
                cells.append(None)
            elif number:
                decimals = len(number.group(2) or "") + (2 if number.group(3) else 0)
                cells.append((float(number.group(1)) / (100 if number.group(3) else 1), decimals))
            else:
                cells.append(part)
        return cells


@dataclass(frozen=True)
class Function:
    name: str
    section: str          # the "# --- section ---" comment the function sits under in pib_udfs.py
    category: str
    doc: str              # the whole description Excel shows (examples included)
    arguments: tuple[Argument, ...]

    @property
    def summary(self) -> str:
        """The description without its examples."""
        return _EXAMPLES.sub("", self.doc).strip()

    @property
    def examples(self) -> tuple[Example, ...]:
        found = _EXAMPLES.search(self.doc)
        if not found:
            return ()
        out = []
        for text in re.split(r";\s+(?==PIB_)", found.group(1)):
            match = _ONE_EXAMPLE.fullmatch(text.strip())
            if not match:
                raise ValueError(f"{self.name}: cannot read the example {text!r} (expected '=PIB_...(...) → result')")
            out.append(Example(match.group(1), match.group(2).strip()))
        return tuple(out)

    @property
    def signature(self) -> str:
        """As Excel writes it, optional arguments in brackets: PIB_RAG(position, trend_sufficient, [direction])."""
        return f"{self.name}({', '.join(f'[{a.name}]' if a.optional else a.name for a in self.arguments)})"


def registered_udfs():
    """(xlwings.udfs, pib_udfs as xlwings' Windows decorators register it).

    The imported modules are restored afterwards, so the rest of the process
    keeps the ordinary (Linux: do-nothing) decorators.
    """
    import xlwings

    import pib_udfs

    stubs = {name: types.ModuleType(name) for name in ("pythoncom", "pywintypes", "win32com", "win32com.client")}
    stubs["win32com.client"].Dispatch = None
    stubs["pythoncom"].CoInitialize = lambda: None  # only named as a thread initializer
    saved = {name: sys.modules.get(name) for name in [*stubs, "xlwings.udfs"]}
    originals = xlwings.func, xlwings.arg, xlwings.ret
    try:
        sys.modules.update(stubs)
        sys.modules.pop("xlwings.udfs", None)
        udfs = importlib.import_module("xlwings.udfs")
        xlwings.func, xlwings.arg, xlwings.ret = udfs.xlfunc, udfs.xlarg, udfs.xlret
        spec = importlib.util.spec_from_file_location("pib_udfs_as_registered", pib_udfs.__file__)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return udfs, module
    finally:
        xlwings.func, xlwings.arg, xlwings.ret = originals
        for name, old in saved.items():
            if old is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = old


def _sections(source: str) -> dict[int, str]:
    """Line number -> the "# --- ... ---" section heading in force there."""
    current, out = "", {}
    for number, line in enumerate(source.splitlines(), start=1):
        heading = _SECTION.match(line)
        if heading:
            current = heading.group(1).strip()
        out[number] = current
    return out


def functions() -> list[Function]:
    """Every registered =PIB_ function, in the order pib_udfs.py defines them."""
    _, module = registered_udfs()
    sections = _sections(Path(module.__file__).read_text(encoding="utf-8"))
    found = []
    for name, func in vars(module).items():
        info = getattr(func, "__xlfunc__", None)
        if not name.startswith("PIB_") or info is None:
            continue
        line = inspect.unwrap(func).__code__.co_firstlineno
        arguments = tuple(Argument(a["name"], a["doc"], "optional" in a, a.get("optional")) for a in info["args"])
        found.append((line, Function(info["name"], sections.get(line, ""), str(info["category"]), info["ret"]["doc"],
                                     arguments)))
    return [f for _, f in sorted(found, key=lambda pair: pair[0])]


def _cell(text: str) -> str:
    """Text for a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _default(argument: Argument) -> str:
    if not argument.optional or argument.default is None:
        return ""
    return f'`"{argument.default}"`' if isinstance(argument.default, str) else f"`{argument.default}`"


def reference_markdown(level: int = 2) -> str:
    """The function reference: a section per function under its pib_udfs.py section heading."""
    out, section = [], None
    hashes = "#" * level
    for func in functions():
        if func.section != section:
            section = func.section
            title = section or "Functions"
            out.append(f"{hashes} {title[:1].upper()}{title[1:]}\n")
        out.append(f"{hashes}# {func.name} {{#{func.name.lower()}}}\n")
        out.append(f"`={func.signature}`\n")
        out.append(f"{func.summary}\n")
        out.append("| argument | default | help |\n|---|---|---|")
        for argument in func.arguments:
            name = f"[{argument.name}]" if argument.optional else argument.name
            out.append(f"| `{name}` | {_default(argument)} | {_cell(argument.doc)} |")
        out.append("")
        for example in func.examples:
            out.append(f"Example: `{example.formula}` → **{example.result}**\n")
    return "\n".join(out)
