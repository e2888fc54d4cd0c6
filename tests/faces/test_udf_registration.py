"""What Excel sees of the =PIB_ functions: xlwings' own registration and Import Functions code.

On Windows, ``@xw.func``/``@xw.arg`` record each function's arguments and
help text, and *Import Functions* (``xlwings.udfs.generate_vba_wrapper``)
writes one VBA wrapper per function into the workbook. That code lives in
``xlwings.udfs``, which imports the Windows COM libraries at the top; here
those imports are satisfied with empty modules (nothing of them is called)
so that xlwings' real decorators and wrapper generator run on our module.
"""

from __future__ import annotations

from helpers import registered_udfs

import io
import re
import types

import pytest

# VBA keywords that cannot name a parameter (a wrapper using one would not compile,
# and Import Functions would fail for the whole module).
VBA_RESERVED = {
    "and", "as", "boolean", "byref", "byte", "byval", "call", "case", "class", "const", "currency", "date",
    "debug", "dim", "do", "double", "each", "else", "elseif", "empty", "end", "endif", "enum", "eqv", "erase",
    "error", "event", "exit", "false", "for", "friend", "function", "get", "global", "gosub", "goto", "if",
    "imp", "implements", "in", "integer", "is", "let", "like", "long", "loop", "lset", "me", "mod", "new",
    "next", "not", "nothing", "null", "on", "option", "optional", "or", "paramarray", "preserve", "private",
    "property", "public", "raiseevent", "redim", "rem", "resume", "return", "rset", "select", "set", "single",
    "static", "stop", "string", "sub", "then", "to", "true", "type", "typeof", "until", "variant", "wend",
    "while", "with", "xor", "open", "close", "print", "input", "line", "write", "put", "seek", "lock",
    "unlock", "object", "decimal", "longlong", "longptr", "attribute", "declare", "lib", "alias", "step",
}


@pytest.fixture(scope="module")
def registered():
    """pib_udfs as xlwings' Windows decorators register it, and xlwings.udfs to generate wrappers."""
    return registered_udfs()


def pib_functions(module):
    return {name: getattr(module, name) for name in dir(module) if name.startswith("PIB_")}


def test_every_function_is_registered_with_help_for_every_argument(registered):
    _, module = registered
    functions = pib_functions(module)
    assert len(functions) >= 26
    for name, func in functions.items():
        info = func.__xlfunc__
        assert info["name"] == name
        assert info["category"] == "PIB"
        assert info["ret"]["doc"] and "Python function" not in info["ret"]["doc"], name
        # Excel's function wizard shows at most 255 characters of a description.
        assert len(info["ret"]["doc"]) <= 255, name
        for arg in info["args"]:
            assert len(arg["doc"]) <= 255, (name, arg["name"])
            assert not arg["doc"].startswith("Positional argument"), f"{name}({arg['name']}) has no help text"
            assert arg["name"].lower() not in VBA_RESERVED, f"{name}: '{arg['name']}' is a VBA keyword"


def test_range_arguments_keep_their_shape(registered):
    """ndim=2 keeps a column a column, so results spill the way the input runs."""
    _, module = registered
    info = module.PIB_RAG.__xlfunc__
    assert all(arg["options"].get("ndim") == 2 for arg in info["args"])


def test_import_functions_writes_a_wrapper_for_every_function(registered):
    udfs, module = registered
    out = io.StringIO()
    udfs.generate_vba_wrapper("pib_udfs", module, out, types.SimpleNamespace(Name="pib_bulletin.xlsm"))
    vba = out.getvalue()
    declared = set(re.findall(r"^Function (PIB_\w+)\(", vba, flags=re.M))
    assert declared == set(pib_functions(module))
    assert 'Py.CallUDF("pib_udfs", "PIB_RAG"' in vba
    for signature in re.findall(r"^Function PIB_\w+\((.*)\)$", vba, flags=re.M):
        for parameter in signature.split(","):
            word = parameter.replace("Optional", "").strip().lower()
            assert word not in VBA_RESERVED, signature
