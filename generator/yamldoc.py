"""YAML parsing that keeps the line of every key and turns YAML errors into diagnostics."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

try:  # libyaml's parser is several times faster; the constructor stays Python's
    from yaml import CSafeLoader as _Base
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import SafeLoader as _Base


class Timestamp(str):
    """A scalar YAML would read as a date: kept as text so that the content
    model parses it with its own messages (and `title: 2021-04-02` can be
    told apart from a string)."""


class _Loader(_Base):
    pass


_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: Timestamp(node.value))


@dataclass
class YamlError(Exception):
    line: int  # 1-based within the parsed text
    col: int
    message: str


@dataclass
class Document:
    data: object
    lines: dict[str, tuple[int, int]]  # "photo.alt" -> (line, col), 1-based within the text
    duplicates: list[tuple[str, int, int]]
    written: dict[str, str] = field(default_factory=dict)  # scalar values as typed


# Characters no page or feed may hold (XML 1.0 refuses them): controls but tab, newline and
# carriage return, and the two non-characters U+FFFE and U+FFFF.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
DEEPEST = 64  # levels of nesting a front matter may have: writers use two or three


def control_character(text: str) -> tuple[int, int, str] | None:
    """(line, column, U+XXXX) of the first character in `text` that no page or feed may hold."""
    found = CONTROL.search(text)
    if found is None:
        return None
    at = found.start()
    return text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at), f"U+{ord(found.group()):04X}"


def parse(text: str) -> Document:
    """Parse one YAML document; raise YamlError with a writer-friendly message."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Document(None, {}, [])
        _check_nodes(node)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(exc, text) from None
    except yaml.YAMLError as exc:
        raise YamlError(1, 1, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise YamlError(1, 1, f"YAML nested too deeply (more than {DEEPEST} levels)") from None
    finally:
        loader.dispose()
    lines: dict[str, tuple[int, int]] = {}
    duplicates: list[tuple[str, int, int]] = []
    written: dict[str, str] = {}
    _index(node, "", lines, duplicates, written)
    return Document(data, lines, duplicates, written)


def _check_nodes(root) -> None:
    """Refuse what would make a small file costly or a page invalid, before any value is made:
    aliases (a few hundred bytes of them, "billion laughs", unfold into billions of values),
    nesting past DEEPEST levels, and characters no page may hold."""
    seen: set[int] = set()
    todo = [(root, 1)]
    while todo:
        node, depth = todo.pop()
        mark = node.start_mark
        if id(node) in seen:
            raise YamlError(mark.line + 1, mark.column + 1, "YAML aliases (*name) are not allowed here: "
                            "this value is used again elsewhere; write it out each time")
        seen.add(id(node))
        if depth > DEEPEST:
            raise YamlError(mark.line + 1, mark.column + 1, f"YAML nested too deeply (more than {DEEPEST} levels)")
        if isinstance(node, yaml.ScalarNode):
            bad = control_character(node.value)
            if bad:
                raise YamlError(mark.line + 1, mark.column + 1, f"the value holds the control character {bad[2]}, "
                                "which no page or feed may hold; remove it")
        elif isinstance(node, yaml.SequenceNode):
            todo += [(item, depth + 1) for item in node.value]
        elif isinstance(node, yaml.MappingNode):
            todo += [(part, depth + 1) for pair in node.value for part in pair]


def _index(node, prefix: str, lines: dict, duplicates: list, written: dict) -> None:
    """Record where each key is: "photo.alt", and in lists "sections[1].title"."""
    if prefix.count(".") > 2:
        return
    if isinstance(node, yaml.SequenceNode):
        for number, item in enumerate(node.value):
            lines[f"{prefix[:-1]}[{number}]"] = (item.start_mark.line + 1, item.start_mark.column + 1)
            _index(item, f"{prefix[:-1]}[{number}].", lines, duplicates, written)
        return
    if not isinstance(node, yaml.MappingNode):
        return
    for key_node, value_node in node.value:
        key = prefix + str(key_node.value)
        where = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        if key in lines:
            duplicates.append((key, *where))
        lines[key] = where
        if isinstance(value_node, yaml.ScalarNode):
            written[key] = value_node.value  # as the writer typed it, for messages
        _index(value_node, key + ".", lines, duplicates, written)


def _yaml_error(exc: yaml.MarkedYAMLError, text: str) -> YamlError:
    context = exc.context or ""
    problem = exc.problem or "invalid YAML"
    # An unclosed bracket or quote is found far from where the writer made it: point at the opening.
    opened = "flow" in context or "quoted scalar" in context
    mark = (exc.context_mark if opened else None) or exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    if "flow sequence" in context:
        problem = "this [ is never closed with ]"
    elif "flow mapping" in context:
        problem = "this { is never closed with }"
    elif "quoted scalar" in context:
        problem = "this quote is never closed"
    elif "tab" in problem or _char_at(text, line, col) == "\t":
        problem = "a tab character; YAML indents with spaces only"
    elif "could not find expected ':'" in problem:
        problem = "expected 'key: value' on this line"
    elif "mapping values are not allowed" in problem:
        problem = "a colon inside a value; put the value in quotes"
    else:
        problem = f"{problem} ({context})" if context else problem
    return YamlError(line, col, f"YAML syntax error: {problem}")


def _char_at(text: str, line: int, col: int) -> str:
    lines = text.split("\n")
    row = lines[line - 1] if 0 < line <= len(lines) else ""
    return row[col - 1] if 0 < col <= len(row) else ""
