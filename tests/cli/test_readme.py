"""The README's promises: its two commands first, CI running the same test command, and links to the manual."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import docs_nav_pages

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def code_blocks() -> list[str]:
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", README, flags=re.S)]


def test_readme_starts_with_the_two_commands():
    head = README.split("\n## ")[0]
    demo, tests = code_blocks()[:2]
    assert README.split("```bash")[0].strip() == "# xl-pib", "nothing comes before the two commands but the title"
    assert head.index(demo) < head.index(tests)
    assert "xl_pib demo" in demo and "pip install" in demo
    assert "pytest" in tests and "pip install" in tests and "libreoffice" in tests


def test_ci_runs_the_readme_test_command_verbatim():
    ci = (ROOT / ".ci" / "run").read_text()
    assert code_blocks()[1] in ci.splitlines()


def test_readme_links_to_every_page_of_the_manual():
    pages = docs_nav_pages()
    linked = set(re.findall(r"\]\(docs/([\w-]+\.md)(?:#[\w-]+)?\)", README))
    assert pages <= linked, pages - linked
    assert all((ROOT / "docs" / page).is_file() for page in linked)
