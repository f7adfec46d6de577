"""A newcomer's first hour, end to end through the command line: `newsroom init`, the help of
every command, summaries that count in English, and `newsroom new` when the site lacks something."""

import argparse
import dataclasses
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from generator import __version__, cli
from generator import config as config_mod
from generator.diagnostics import Report, counted
from generator.output.writer import spare_of
from tests.conftest import TYPO, run_cli, tree, write_site

STARTER_FILES = {"config.yaml", ".gitignore", "content/authors/editor.md", "content/articles/2026/welcome.md"}


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


@pytest.fixture
def fresh(tmp_path):
    """A site made by `newsroom init` (at the tests' fixed clock, so its article is dated 2026)."""
    root = tmp_path / "mysite"
    result = run_cli("init", str(root))
    assert result.returncode == 0, result.stderr
    return root, result


# --- newsroom init ---------------------------------------------------------------------------

def test_init_writes_a_site_that_builds_and_passes_a_strict_check(fresh):
    root, result = fresh
    assert set(tree(root)) == STARTER_FILES
    for path in STARTER_FILES:
        assert path in result.stdout
    assert f"newsroom build {root}" in result.stdout and "newsroom serve" in result.stdout
    assert f'newsroom new "Headline" --site {root}' in result.stdout
    assert result.stderr == ""

    built = run_cli("build", str(root))
    assert built.returncode == 0, built.stderr
    assert built.stderr == ""  # no warning, and no note: the article is published, not a draft
    checked = run_cli("check", str(root), "--strict")
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr == ""

    article = front_matter(root / "content/articles/2026/welcome.md")
    assert article["author"] == "editor" and article["tags"] and not article.get("draft")
    assert article["title"] in (root / "output/index.html").read_text(encoding="utf-8")
    assert (root / "output/tags/getting-started/index.html").is_file()
    assert (root / "output/authors/editor/index.html").is_file()


def test_init_ignores_what_builds_make(fresh):
    root, _ = fresh
    lines = (root / ".gitignore").read_text(encoding="utf-8").split()
    for made in ("output", ".cache", spare_of(Path("output")).name):
        assert f"/{made}/" in lines, made


def test_init_config_explains_every_setting_and_writes_the_defaults(fresh):
    root, _ = fresh
    text = (root / "config.yaml").read_text(encoding="utf-8")
    blocks = text.split("\n\n")  # a comment, then the settings it explains
    for key in config_mod.FIELDS:
        block = next((b for b in blocks if re.search(rf"^(?:# )?{key}:", b, re.MULTILINE)), None)
        assert block, f"config.yaml does not mention {key}"
        assert block.startswith("# ") and not block.startswith(f"# {key}:"), f"no comment explains {key}"
    report = Report()
    config = config_mod.load(root, report)
    assert config is not None and not report.items
    # Written with the defaults, so a newcomer sees what the defaults are.
    assert dataclasses.replace(config, description="") == config_mod.Config(title=config.title,
                                                                           base_url=config.base_url)


def test_init_defaults_to_the_current_folder(tmp_path):
    result = run_cli("init", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert set(tree(tmp_path)) == STARTER_FILES
    assert "newsroom build    #" in result.stdout  # the next commands need no folder


@pytest.mark.parametrize("existing", ["config.yaml", "content/notes.txt"])
def test_init_refuses_a_folder_with_a_site_and_changes_nothing(tmp_path, existing):
    write_site(tmp_path, f"-- {existing} --\nmine\n")
    before = tree(tmp_path)
    result = run_cli("init", str(tmp_path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert f"already has a {existing.split('/')[0]}" in result.stderr
    assert tree(tmp_path) == before


def test_init_refuses_a_file(tmp_path):
    (tmp_path / "site").write_text("not a folder")
    result = run_cli("init", str(tmp_path / "site"))
    assert result.returncode == 2 and "is a file, not a folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_init_keeps_an_existing_gitignore(tmp_path):
    (tmp_path / ".gitignore").write_text("node_modules/\n")
    result = run_cli("init", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / ".gitignore").read_text() == "node_modules/\n"
    assert "kept your .gitignore" in result.stdout and "/output/" in result.stdout
    assert (tmp_path / "config.yaml").is_file()


# --- help and version ------------------------------------------------------------------------

def commands() -> dict[str, argparse.ArgumentParser]:
    top = cli.parser()
    sub = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    return {"": top, **sub.choices}


def test_every_argument_of_every_command_has_help():
    for name, command in commands().items():
        for action in command._actions:
            assert action.help and action.help != argparse.SUPPRESS, (name, action.dest)
    assert set(commands()) == {"", "build", "check", "serve", "new", "due", "init"}


@pytest.mark.parametrize("name", ["build", "check", "serve", "new", "due", "init"])
def test_help_of_each_command_shows_each_option_with_its_text(name):
    result = run_cli(name, "--help")
    assert result.returncode == 0, result.stderr
    squeezed = re.sub(r"\s+", "", result.stdout)  # argparse wraps lines, at spaces and hyphens
    for action in commands()[name]._actions:
        for flag in action.option_strings or [action.metavar or action.dest]:
            assert flag in result.stdout, flag
        assert re.sub(r"\s+", "", action.help) in squeezed, action.help


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout == f"newsroom {__version__}\n"


# --- counts in summaries ---------------------------------------------------------------------

def test_counted():
    assert [counted(n, "article") for n in (0, 1, 2)] == ["0 articles", "1 article", "2 articles"]


def test_summary_of_one_of_each_is_singular():
    result = SimpleNamespace(counts={"pages": 1, "articles": 1, "tags": 1, "authors": 1}, seconds=0.5,
                             stats=SimpleNamespace(written=1, removed=1), output="out")
    assert cli.summary_line(result, True) == "built 1 page, 1 article, 1 tag, 1 author in 0.50 s " \
                                             "(1 file written, 1 removed) -> out"
    assert cli.summary_line(result, False) == "checked 1 page, 1 article, 1 tag, 1 author: no errors"


def test_build_and_check_summaries_count_in_english(fresh):
    root, _ = fresh
    first = run_cli("build", str(root))
    assert re.fullmatch(r"built \d+ pages, 1 article, 1 tag, 1 author in [\d.]+ s "
                        r"\(\d+ files written, 0 removed\) -> .*\n", first.stdout), first.stdout
    again = run_cli("build", str(root))
    assert "(0 files written, 0 removed)" in again.stdout
    write_site(root, "-- content/files/note.txt --\nA file published as it is.\n")
    one = run_cli("build", str(root))
    assert "(1 file written, 0 removed)" in one.stdout
    write_site(root, """
-- content/articles/2026/second.md --
---
title: A second story
date: 2026-01-02
author: editor
tags: [Getting started, Budget]
---
Text.
""")
    checked = run_cli("check", str(root))
    assert re.fullmatch(r"checked \d+ pages, 2 articles, 2 tags, 1 author: no errors\n", checked.stdout)


def test_problem_count_is_singular_for_one(site):
    result = run_cli("check", str(site(TYPO)))
    assert result.returncode == 0
    assert result.stderr.splitlines()[-1] == "0 errors, 1 warning"


# --- newsroom new when the site lacks something ----------------------------------------------

CONFIG_ONLY = """
-- config.yaml --
title: Test Wire
base_url: https://test.example.org
"""


def test_new_on_a_site_without_authors_says_how_to_add_one(tmp_path):
    root = write_site(tmp_path / "site", CONFIG_ONLY)
    result = run_cli("new", "A story", "--site", str(root))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    for needed in ("no author profiles", "content/authors/kate-michael.md", "name: Kate Michael", "---",
                   "--author takes the file's name"):
        assert needed in result.stderr, needed
    assert set(tree(root)) == {"config.yaml"}


def test_new_without_authors_makes_the_example_from_the_author_given(tmp_path):
    root = write_site(tmp_path / "site", CONFIG_ONLY)
    result = run_cli("new", "A story", "--site", str(root), "--author", "Jo Smith")
    assert "content/authors/jo-smith.md" in result.stderr and "name: Jo Smith" in result.stderr


def test_new_with_an_unknown_section_lists_the_sections(site):
    root = site()
    before = tree(root)
    result = run_cli("new", "A story", "--site", str(root), "--author", "kate-michael", "--section", "helth")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert 'unknown section "helth" (did you mean "health"?)' in result.stderr
    assert "news (News), health (Health)" in result.stderr
    assert tree(root) == before


@pytest.mark.parametrize("given", ["kate-michel", "Kate Michael"])
def test_new_with_an_unknown_author_suggests_the_closest_and_lists_them(site, given):
    result = run_cli("new", "A story", "--site", str(site()), "--author", given)
    assert result.returncode == 1
    assert f'unknown author "{given}" (did you mean "kate-michael"?); authors: alexa-hornbeck, kate-michael' \
        in result.stderr


def test_new_with_an_unknown_author_among_many_does_not_list_them_all(site):
    root = site("".join(f"-- content/authors/writer-{n:02d}.md --\n---\nname: Writer {n}\n---\n" for n in range(30)))
    result = run_cli("new", "A story", "--site", str(root), "--author", "nobody")
    assert result.returncode == 1
    assert "32 profiles in content/authors/" in result.stderr and "writer-07" not in result.stderr
