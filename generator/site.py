"""The whole site: authors, sections and tags resolved, links checked, articles grouped and related."""

from __future__ import annotations

import bisect
import difflib
import heapq
import html
import math
import posixpath
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from urllib.parse import unquote

from . import markup, urls
from .config import Config
from .diagnostics import Report, did_you_mean
from .gfm import RESERVED_IDS
from .model import Article, Author, Page, StaticFile
from .parallel import each

RELATED_WINDOW = 30  # articles scored on either side in each shared tag and author: bounds the work
# Scores are integers, so that (tags, authors, section) order exactly: a tag's weight (rarer tags
# weigh more) is a multiple of TAG_UNIT, larger than any sum of author weights, each larger than
# the section's 1.
AUTHOR_WEIGHT = 2
TAG_UNIT = 64


@dataclass(frozen=True)
class Options:
    now: datetime
    drafts: bool = False
    future: bool = False


@dataclass
class Site:
    config: Config
    articles: list[Article]  # resolved and published, newest first
    authors: dict[str, Author]  # by id, sorted by id
    pages: list[Page]
    static: list[StaticFile]
    tag_names: dict[str, str]  # slug -> spelling shown, sorted by slug
    by_section: dict[str, list[int]] = field(default_factory=dict)  # indices into articles
    by_tag: dict[str, list[int]] = field(default_factory=dict)
    by_author: dict[str, list[int]] = field(default_factory=dict)
    related: list[list[int]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    tags_of: list[list[str]] = field(default_factory=list)  # each article's tag slugs, in its order
    tag_weights: dict[str, int] = field(default_factory=dict)  # rarer tags weigh more (see related)
    views: dict[tuple, dict] = field(default_factory=dict, repr=False)  # template views, built once per article
    due: float | None = None  # when the next article left out as scheduled is due (a timestamp)


def assemble(config: Config, articles: list[Article], authors: list[Author], pages: list[Page],
             static: list[StaticFile], options: Options, report: Report, broken: frozenset[str] = frozenset()) -> Site:
    """Resolve references and group articles; problems go to `report`.

    `broken` names the sources that have errors of their own (already reported): those that
    could be read are still checked for their references (authors, section, photo, links), so
    that one run reports every problem, and are then left out. References to them are not
    reported again.
    """
    readable = {a.id: a for a in sorted(authors, key=lambda a: a.id)}
    authors_by_id = {ident: a for ident, a in readable.items() if a.source not in broken}
    files = {f.source: f.url for f in static}
    for author in readable.values():
        _check_photo(author.source, author.photo, {}, files, report)
    chosen, notices, left_out = _publishable(articles, options)
    due = min((a.date.timestamp() for a in articles if not a.draft and a.date > options.now), default=None)
    unreadable = {_file_id(path) for path in broken if "/authors/" in path}
    known = _author_ids(authors_by_id)
    resolved = [_resolve(config, a, authors_by_id, known, unreadable, files, report) for a in chosen]
    resolved.sort(key=lambda a: (-a.date.timestamp(), a.url))
    pages = [replace(p, url=urls.page_url(p.slug)) for p in pages]
    targets = link_targets(resolved, pages, authors_by_id, files)
    missing = {**left_out, **{path: None for path in broken}}
    anchors = Anchors(resolved, pages)
    resolved = [_with_body(a, resolve_links(a.body, a, targets, missing, report, anchors)) for a in resolved]
    pages = [replace(p, body=resolve_links(p.body, p, targets, missing, report, anchors)) for p in pages]
    resolved = [a for a in resolved if a.source not in broken]
    pages = [p for p in pages if p.source not in broken]
    tag_names = _tag_names(resolved, report)
    site = Site(config, resolved, authors_by_id, pages, static, tag_names, notices=notices,
                due=None if options.future else due)
    _group(site)
    site.related = each(partial(related, site), len(resolved))  # on every core when there are many
    return site


def _with_body(article: Article, body: str) -> Article:
    return article if body is article.body else replace(article, body=body)


def _file_id(path: str) -> str:
    return path.rsplit("/", 1)[-1].removesuffix(".md")


def _publishable(articles: list[Article], options: Options) -> tuple[list[Article], list[str], dict[str, str]]:
    """The articles this build publishes, notices about the others, and why each other is left out."""
    kept, drafts, scheduled = [], [], []
    for article in sorted(articles, key=lambda a: a.source):
        if article.draft:
            drafts.append(article)
            if options.drafts:
                kept.append(replace(article, status="draft"))
        elif article.date > options.now:
            scheduled.append(article)
            if options.future:
                kept.append(replace(article, status="scheduled"))
        else:
            kept.append(article)
    notices = []
    if scheduled and not options.future:
        first = min(scheduled, key=lambda a: a.date)
        notices.append(f"left out {len(scheduled)} scheduled article{'s' * (len(scheduled) > 1)} "
                       f"(next: {first.source} on {first.date:%Y-%m-%d %H:%M}); --future includes them")
    if drafts and not options.drafts:
        notices.append(f"left out {len(drafts)} draft{'s' * (len(drafts) > 1)}; --drafts includes them")
    left_out = {a.source: "a draft" for a in drafts if not options.drafts}
    left_out.update({a.source: f"scheduled for {a.date:%Y-%m-%d %H:%M}" for a in scheduled if not options.future})
    return kept, notices, left_out


def _resolve(config: Config, article: Article, authors: dict[str, Author], known: dict[str, str],
             unreadable: set[str], files: dict[str, str], report: Report) -> Article:
    """Authors as ids, the section as a slug, the photo checked, the URL set."""
    lines = article.lines
    key = "authors" if "authors" in lines else "author"
    ids = []
    for written in article.authors:
        ident = known.get(written.casefold())
        if ident is None and written.casefold() in unreadable:
            continue  # a profile that could not be read: its own error says why
        if ident is None:
            report.error(article.source, f'unknown author "{written}"{did_you_mean(written, authors)}'
                         f"; authors are the files in content/authors/", *lines.get(key, (1, 1)))
        elif ident not in ids:
            ids.append(ident)
    section = _section(config, article.section)
    if section is None:
        slugs = [s.slug for s in config.sections]
        report.error(article.source, f'unknown section "{article.section}"{did_you_mean(article.section, slugs)}'
                     f"; sections are declared in config.yaml", *lines.get("section", (1, 1)))
        section = config.default_section
    _check_photo(article.source, article.photo, lines, files, report)
    url = urls.article_url(config, section, article.slug, article.date)
    return replace(article, authors=tuple(ids), section=section, url=url)


def _author_ids(authors: dict[str, Author]) -> dict[str, str]:
    """How writers may name each author (id or name, in any case): the author's id."""
    known = {author.name.casefold(): author.id for author in reversed(authors.values())}
    known.update({author.id.casefold(): author.id for author in reversed(authors.values())})
    return known


def _section(config: Config, written: str | None) -> str | None:
    if written is None:
        return config.default_section
    folded = written.casefold()
    return next((s.slug for s in config.sections if folded in (s.slug, s.title.casefold())), None)


def _check_photo(source: str, photo, lines: dict, files: dict[str, str], report: Report) -> None:
    if photo is None or photo.local is None or photo.local in files:
        return
    hint = did_you_mean(photo.src, [url for url in files.values() if not url.startswith("/static/")])
    where = lines.get("photo.src", lines.get("photo", (1, 1)))
    report.error(source, f'photo "{photo.src}" does not exist: there is no file {photo.local}{hint}', *where)


def link_targets(articles: list[Article], pages: list[Page], authors: dict[str, Author],
                 files: dict[str, str]) -> dict[str, str]:
    """Every source file a link may name, with its URL."""
    targets = dict(files)
    targets.update({a.source: a.url for a in articles})
    targets.update({p.source: urls.page_url(p.slug) for p in pages})
    targets.update({a.source: urls.author_url(a.id) for a in authors.values()})
    return targets


ANCHOR = re.compile(r"""\bid=["']([^"']+)["']""")  # (raw HTML's <a name> is made an id: markup.py)
IN_PAGE_LINK = re.compile(r"""\bhref=["']#([^"']+)["']""")


class Anchors:
    """The ids in each article's and page's body, found when a link's #fragment needs them."""

    def __init__(self, articles: list[Article], pages: list[Page]) -> None:
        self.bodies = {item.source: item.body for item in [*articles, *pages]}
        self.found: dict[str, set[str]] = {}

    def has(self, source: str) -> bool:
        return source in self.bodies

    def of(self, source: str) -> set[str]:
        if source not in self.found:
            self.found[source] = set(ANCHOR.findall(self.bodies[source])) | RESERVED_IDS
        return self.found[source]


def resolve_links(body: str, source: Article | Page, targets: dict[str, str], missing: dict[str, str | None],
                  report: Report, anchors: Anchors | None = None) -> str:
    """Link markers replaced by URLs; links to files that are missing or left out are errors, and
    a #fragment that names no heading (or other id) in its article or page is a warning."""
    folder = posixpath.dirname(source.source)
    lines = source.lines.get("links", {})

    def swap(match) -> str:
        target, rest = html.unescape(match.group(1)), match.group(2)
        written = posixpath.relpath(target, folder)
        if target in targets:
            if anchors and "#" in rest and anchors.has(target):
                fragment = rest.split("#", 1)[1]
                _check_fragment(source, written, fragment, anchors.of(target),
                                lines.get(f"{target}#{fragment}", lines.get(target, (1, 1))), report)
            return targets[target] + rest
        line = lines.get(target, (1, 1))
        written = source.lines.get("written", {}).get(target, written)
        if target in missing:
            if missing[target]:  # None: the target could not be read, and says so itself
                report.error(source.source, f'link to "{written}", which is {missing[target]} and is not '
                             "published in this build", *line)
        else:
            report.error(source.source, f'link to "{written}", which does not exist'
                         f"{_web_address(written) or _closest_link(target, folder, targets)}", *line)
        return "#"

    if anchors and 'href="#' in body and anchors.has(source.source):
        for fragment in dict.fromkeys(IN_PAGE_LINK.findall(body)):
            _check_fragment(source, "", fragment, anchors.of(source.source), lines.get("#" + fragment, (1, 1)),
                            report)
    return markup.MARKER.sub(swap, body) if "@@source:" in body else body


def _check_fragment(source: Article | Page, written: str, fragment: str, ids: set[str], line: tuple[int, int],
                    report: Report) -> None:
    """A warning for a #fragment that names no id on its page (the target file, or this one)."""
    if fragment in ids or unquote(fragment) in ids:
        return
    page = "this article" if isinstance(source, Article) else "this page"
    hint = did_you_mean(fragment, ids - RESERVED_IDS).replace(' "', ' "#', 1)
    report.warning(source.source, f'link to "{written}#{fragment}": {"that file" if written else page} has no '
                   f'heading or other id "{fragment}"{hint}', *line)


def _web_address(written: str) -> str:
    """A hint for a link meant as a web address, written with something before it: `(https://x.org)`."""
    found = re.search(r"https?://|www\.", written)
    if not found or found.start() == 0:
        return ""
    return f'; for a web address, start the link with "{found.group(0)}"'


def _closest_link(target: str, folder: str, targets: dict[str, str]) -> str:
    """A did-you-mean for a broken link, as the writer would write it (matched on file names first:
    comparing every path of a large site for each broken link would be slow)."""
    by_name: dict[str, list[str]] = {}
    for path in targets:
        by_name.setdefault(posixpath.basename(path), []).append(path)
    close = difflib.get_close_matches(posixpath.basename(target), list(by_name), n=1, cutoff=0.6)
    if not close:
        return ""
    relative = [posixpath.relpath(path, folder) for path in by_name[close[0]]]
    return did_you_mean(posixpath.relpath(target, folder), relative) or f' (did you mean "{relative[0]}"?)'


def _tag_names(articles: list[Article], report: Report) -> dict[str, str]:
    """One spelling per tag slug: the most used, then the first met."""
    spellings: dict[str, Counter] = defaultdict(Counter)
    for article in sorted(articles, key=lambda a: a.source):
        for tag in article.tags:
            spellings[urls.slugify(tag)][tag] += 1
    names = {slug: counts.most_common(1)[0][0] for slug, counts in sorted(spellings.items())}
    for article in sorted(articles, key=lambda a: a.source):
        for tag in article.tags:
            shown = names[urls.slugify(tag)]
            if tag != shown:
                report.warning(article.source, f'tag "{tag}" is the same tag as "{shown}"; it is shown as "{shown}"',
                               *article.lines.get("tags", (1, 1)))
    return names


def _group(site: Site) -> None:
    sections = {s.slug: [] for s in site.config.sections}
    tags: dict[str, list[int]] = {slug: [] for slug in site.tag_names}
    by_author: dict[str, list[int]] = {ident: [] for ident in site.authors}
    site.tags_of = [tag_slugs(article) for article in site.articles]
    total = len(site.articles)
    for index, article in enumerate(site.articles):
        sections[article.section].append(index)
        for slug in site.tags_of[index]:
            tags[slug].append(index)
        for ident in article.authors:
            by_author[ident].append(index)
    site.by_section, site.by_tag, site.by_author = sections, tags, by_author
    site.tag_weights = {slug: round(math.log(1 + total / len(posting)) * 1e6) * TAG_UNIT
                        for slug, posting in tags.items() if posting}


def tag_slugs(article: Article) -> list[str]:
    return list(dict.fromkeys(urls.slugify(t) for t in article.tags))


def related(site: Site, index: int) -> list[int]:
    """The articles most like this one: shared tags (rarer ones weigh more),
    then shared authors, then the same section; newest first among equals.

    Only the RELATED_WINDOW articles on either side of this one in each tag's
    and author's list (by date) are scored, so the work grows with the number
    of articles, not with its square, and old articles find their own era.
    """
    article, articles = site.articles[index], site.articles
    score: dict[int, int] = {}
    for slug in site.tags_of[index]:
        weight = site.tag_weights[slug]
        for other in _near(site.by_tag[slug], index):
            score[other] = score.get(other, 0) + weight
    for ident in article.authors:
        for other in _near(site.by_author[ident], index):
            score[other] = score.get(other, 0) + AUTHOR_WEIGHT
    score.pop(index, None)
    want = site.config.related
    best = []
    if score:
        # Only candidates as good as the want-th best can make it: the section (worth 1) only breaks ties.
        floor = heapq.nlargest(want, score.values())[-1]
        section = article.section
        best = [o for _, o in sorted((-(s + (articles[o].section == section)), o)
                                     for o, s in score.items() if s >= floor)][:want]
    for other in site.by_section[article.section]:
        if len(best) >= want:
            break
        if other != index and other not in best:
            best.append(other)
    return best


def _near(posting: list[int], index: int) -> list[int]:
    """The articles of a (newest first) list closest in date to article `index`."""
    at = bisect.bisect_left(posting, index)
    return posting[max(0, at - RELATED_WINDOW) : at + RELATED_WINDOW + 1]
