"""Jinja2 setup and rendering of routes into bytes, with template errors as diagnostics."""

from __future__ import annotations

import os
import re
import traceback
from pathlib import Path

import jinja2
import jinja2.compiler
from markupsafe import escape

from generator.diagnostics import Report, did_you_mean
from generator.keys import GENERATOR, digest
from generator.read.sources import layout_folders

try:  # markupsafe's C escaping, without the Markup object its escape() wraps the result in
    from markupsafe._speedups import _escape_inner
except ImportError:  # pragma: no cover - markupsafe without its C extension, or another version
    _escape_inner = None

TEMPLATES = ("base.html", "article.html", "listing.html", "tags.html", "authors.html", "page.html", "404.html",
             "corrections.html", "archive.html", "redirect.html", "feed.xml", "sitemap.xml", "sitemap_index.xml",
             "robots.txt")


class _Undefined(jinja2.StrictUndefined):
    """StrictUndefined with a message that names the missing field and the closest one there is."""

    @property
    def _undefined_message(self) -> str:
        name, owner = self._undefined_name, self._undefined_obj
        if name is not None and isinstance(owner, dict):
            return f'"{name}" is undefined{did_you_mean(str(name), [str(k) for k in owner])}'
        if owner is jinja2.utils.missing and name is not None:
            return f'"{name}" is undefined'
        return super()._undefined_message


_DICT_ATTRIBUTES = frozenset(dir(dict))


def _escaped(value) -> str:
    """What `{{ value }}` writes into an autoescaped page: escape(value) as a plain string.
    A page is only joined from these, so the Markup escape() makes of each is not needed;
    making them took a tenth or more of the time templates took (measured on the bench site)."""
    if value.__class__ is str and _escape_inner is not None:
        return _escape_inner(value)
    return escape(value)


class _CodeGenerator(jinja2.compiler.CodeGenerator):
    """Jinja's compiler with two shortcuts, each measured on the bench site: `{{ ... }}` in autoescaped
    templates calls `_escaped` (see above) instead of `escape`, and `item.title` reads a dict's key inline."""

    @jinja2.compiler.optimizeconst
    def visit_Getattr(self, node, frame) -> None:
        """Jinja calls environment.getattr, which tries the attribute first; on the dicts templates
        receive that fails, and those calls took a tenth of rendering's time. The key comes first
        here, which is the same unless it names a dict method (`items`...): those go Jinja's way."""
        if self.environment.is_async or node.attr in _DICT_ATTRIBUTES:
            super().visit_Getattr(node, frame)
            return
        # The object is named by an assignment expression so that it is computed once; one name
        # serves all: the inner lookups of `a.b.c` are done before the outer one assigns it.
        self.write(f"(_owner[{node.attr!r}] if (_owner := ")
        self.visit(node.node, frame)
        self.write(f").__class__ is dict and {node.attr!r} in _owner else environment.getattr(_owner, {node.attr!r}))")

    def _output_child_pre(self, node, frame, finalize) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("environment.escaped(")
        if finalize.src is not None:
            self.write(finalize.src)


class _Environment(jinja2.Environment):
    code_generator_class = _CodeGenerator
    escaped = staticmethod(_escaped)


class _StoredTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in the store, keyed by each template's source; what a template
    compiles to also depends on this module (see _CodeGenerator), hence the generator's code in the key."""

    def __init__(self, store) -> None:
        self.store = store

    def _key(self, bucket: jinja2.bccache.Bucket) -> bytes:
        return digest("compiled template", GENERATOR, bucket.key, bucket.checksum)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.store.get(self._key(bucket))
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store.put(self._key(bucket), bucket.bytecode_to_string())


class _Loader(jinja2.FileSystemLoader):
    """Templates from the site's layouts, then the defaults; never through a link that leads out of
    the site (or out of the default layouts): such a template is as good as missing."""

    def __init__(self, folders: list[Path], site: Path) -> None:
        super().__init__([str(p) for p in folders])
        site = site.resolve()
        self.roots = {str(p): str(site if site in p.resolve().parents else p.resolve()) for p in folders}

    def get_source(self, environment, template: str):
        pieces = jinja2.loaders.split_template_path(template)
        for folder in self.searchpath:
            path = os.path.join(folder, *pieces)
            if os.path.lexists(path):
                real, root = os.path.realpath(path), self.roots[folder]
                if real != root and not real.startswith(root + os.sep):
                    raise jinja2.TemplateNotFound(template)
                break
        return super().get_source(environment, template)


class Renderer:
    """Renders templates from the site's layouts, falling back file by file to the defaults."""

    def __init__(self, site_dir: Path, layouts: Path, store=None) -> None:
        """`store`: where to keep compiled templates, for the next build to load."""
        self.site_dir = site_dir
        self.folders = layout_folders(layouts)
        self.env = _Environment(
            bytecode_cache=_StoredTemplates(store) if store is not None else None,
            loader=_Loader(self.folders, site_dir),
            autoescape=jinja2.select_autoescape(["html", "xml"]),
            undefined=_Undefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
            auto_reload=False,
        )
        self.failed: set[tuple[str, int, str]] = set()

    def check(self, report: Report) -> bool:
        """Compile every template once, so a syntax error is reported once."""
        ok = True
        for name in TEMPLATES:
            try:
                self.env.get_template(name)
            except jinja2.TemplateSyntaxError as exc:
                report.error(self._where(exc.filename or name), f"template syntax error: {exc.message}",
                             exc.lineno or 0, 1)
                ok = False
            except jinja2.TemplateNotFound:
                report.error("layouts", f"template {name} is missing from layouts/ and from the default layouts")
                ok = False
        return ok

    def render(self, template: str, context: dict, report: Report) -> bytes | None:
        try:
            return self.env.get_template(template).render(context).encode("utf-8")
        except jinja2.TemplateSyntaxError as exc:  # an {% include %}d template not in TEMPLATES
            self._fail(report, exc.filename or template, exc.lineno or 0, f"template syntax error: {exc.message}")
        except Exception as exc:  # noqa: BLE001 - any error inside a template is the designer's to fix
            name, line = self._template_frame(exc, template)
            if isinstance(exc, jinja2.UndefinedError):
                self._fail(report, name, line, f"undefined variable: {_expression(name, line, exc)}")
            else:
                self._fail(report, name, line, f"{type(exc).__name__} in template: {exc}")
        return None

    def _fail(self, report: Report, name: str, line: int, message: str) -> None:
        key = (self._where(name), line, message)
        if key not in self.failed:  # one message per template line, not one per page
            self.failed.add(key)
            report.error(key[0], message, line, 1)

    def _template_frame(self, exc: Exception, template: str) -> tuple[str, int]:
        """The innermost template file and line in the traceback (Jinja maps them back)."""
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if any(frame.filename.startswith(str(folder)) for folder in self.folders):
                return frame.filename, frame.lineno or 0
        return template, 0

    def _where(self, filename: str) -> str:
        path = Path(filename)
        try:
            return path.resolve().relative_to(self.site_dir.resolve()).as_posix()
        except ValueError:
            return path.as_posix()


def _expression(filename: str, line: int, exc: Exception) -> str:
    """'article.titel is undefined (did you mean "title"?)': the dotted name as the template has it."""
    message = str(exc)
    quoted = re.match(r'"([^"]+)"', message)
    try:
        text = Path(filename).read_text(encoding="utf-8").splitlines()[line - 1]
    except (OSError, IndexError):
        return message
    if quoted:
        found = re.search(rf"([A-Za-z_][\w.]*)\.{re.escape(quoted.group(1))}\b", text)
        if found:
            return f"{found.group(0)}{message[len(quoted.group(0)):]}"
    return message
