"""The whole site: authors, sections and tags resolved, links checked, articles grouped and related.

`assemble` makes a Site from what the read stage read; `revise` makes a new Site from an
assembled one and articles edited since, when the edits leave every article where it was.
A Site is not changed once made.
"""

from __future__ import annotations

import math
import posixpath
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial

from generator import urls
from generator.config import Config
from generator.diagnostics import WARNING, Report, counted, did_you_mean
from generator.model import Article, Author, Page, Photo, StaticFile
from generator.site.links import Anchors, ImageSizes, LeftOut, link_targets, resolve_links
from generator.site.related import TAG_UNIT, related
from generator.site.schedule import is_expired, next_change


@dataclass(frozen=True)
class Options:
    now: datetime
    drafts: bool = False
    future: bool = False


@dataclass(frozen=True)
class Placement:
    """Where an article appears and what sits around it: all that grouping, relating articles and
    planning the site's URLs read of it (everything else of an article, pages get through views)."""

    source: str
    url: str
    date: datetime
    updated: datetime | None
    section: str
    tags: tuple[str, ...]  # as written
    authors: tuple[str, ...]  # ids
    aliases: tuple[str, ...]
    status: str
    draft: bool
    lines: tuple  # where its slug: and aliases: are, for messages about its URLs
    series: str | None = None  # the series' slug
    corrections: tuple[datetime, ...] = ()  # when each of its corrections was made (the corrections page's order)

    @classmethod
    def of(cls, article: Article) -> Placement:
        lines = article.lines
        return cls(article.source, article.url, article.date, article.updated, article.section, tuple(article.tags),
                   tuple(article.authors), tuple(article.aliases), article.status, article.draft,
                   (lines.get("slug", (1, 1)), lines.get("aliases", (1, 1))),
                   urls.slugify(article.series) if article.series else None, tuple(c.date for c in article.corrections))


@dataclass(frozen=True)
class Site:
    config: Config
    articles: list[Article]  # resolved and published, newest first
    authors: dict[str, Author]  # by id, sorted by id
    pages: list[Page]
    static: list[StaticFile]
    tag_names: dict[str, str]  # slug -> spelling shown, sorted by slug
    placements: list[Placement] = field(default_factory=list)  # one per article
    by_section: dict[str, list[int]] = field(default_factory=dict)  # indices into articles
    by_tag: dict[str, list[int]] = field(default_factory=dict)
    by_author: dict[str, list[int]] = field(default_factory=dict)
    related: list[list[int]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    tags_of: list[list[str]] = field(default_factory=list)  # each article's tag slugs, in its order
    tag_weights: dict[str, int] = field(default_factory=dict)  # rarer tags weigh more (see related)
    series_names: dict[str, str] = field(default_factory=dict)  # slug -> name shown, sorted by slug
    by_series: dict[str, list[int]] = field(default_factory=dict)  # each series' parts, oldest first
    due: float | None = None  # when the next article left out as scheduled is due (a timestamp)
    links: dict[str, str] = field(default_factory=dict, repr=False)  # source file -> URL, for links
    positions: dict[str, int] = field(default_factory=dict, repr=False)  # article source -> its index
    sizes: dict[str, tuple[int, int]] = field(default_factory=dict)  # a local picture's URL -> its pixel size
    default_image: str | None = None  # URLs of config.yaml's default_image and logo, when set
    logo: str | None = None


def assemble(config: Config, articles: list[Article], authors: list[Author], pages: list[Page],
             static: list[StaticFile], options: Options, report: Report, broken: frozenset[str], executor) -> Site:
    """Resolve references and group articles; problems go to `report`. Related articles are found
    with `executor` (see executor.py), on every core when it has them.

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
    due = next_change(articles, options.now)
    unreadable = {_file_id(path) for path in broken if "/authors/" in path}
    known = _author_ids(authors_by_id)
    resolved = [_resolve(config, a, authors_by_id, known, unreadable, files, report) for a in chosen]
    resolved.sort(key=lambda a: (-a.date.timestamp(), a.url))
    pages = [replace(p, url=urls.page_url(p.slug)) for p in pages]
    targets = link_targets(resolved, pages, authors_by_id, files)
    missing = {**left_out, **{path: None for path in broken}}
    anchors, sizes = Anchors(resolved, pages), ImageSizes(static)
    resolved = [_with_body(a, resolve_links(a.body, a, targets, missing, report, anchors, sizes)) for a in resolved]
    pages = [replace(p, body=resolve_links(p.body, p, targets, missing, report, anchors, sizes)) for p in pages]
    resolved = [a for a in resolved if a.source not in broken]
    pages = [p for p in pages if p.source not in broken]
    tag_names = _names(resolved, "tags", "tag", report)
    series_names = _names(resolved, "series", "series", report)
    placements = [Placement.of(a) for a in resolved]
    grouped = _group(config, placements, tag_names, series_names, authors_by_id)
    default_image, logo = (_config_image(config, key, files, report) for key in ("default_image", "logo"))
    photos = [a.photo for a in resolved] + [a.photo for a in authors_by_id.values()]
    site = Site(config, resolved, authors_by_id, pages, static, tag_names, placements, notices=notices,
                series_names=series_names,
                due=None if options.future or due is None else due.timestamp(), links=targets,
                positions={a.source: i for i, a in enumerate(resolved)},
                sizes=_photo_sizes(photos, default_image, logo, sizes),
                default_image=default_image and default_image[0], logo=logo and logo[0], **grouped)
    return replace(site, related=list(executor.map(partial(related, site), range(len(resolved)), 256)))


def revise(site: Site, edited: list[Article], now: datetime, report: Report) -> Site | None:
    """The site with these articles (as read, from sources it has) in place of their earlier
    versions; None when an edit moves an article (see Placement) or has errors: the edit then
    needs `assemble`, which also reports them. What a Site holds besides its articles is made
    from their placements, which are unchanged: it is the same for the new site."""
    files = {f.source: f.url for f in site.static}
    articles = list(site.articles)
    anchors, sizes = Anchors([*site.articles, *edited], site.pages), ImageSizes(site.static)
    for new in edited:
        index = site.positions.get(new.source)
        if index is None:
            return None
        old = site.articles[index]
        if (new.date > now) != (old.status == "scheduled") or is_expired(new, now):
            return None  # it has become due since, is due no more, or has expired
        check = Report()
        new = _resolve(site.config, replace(new, status=old.status), site.authors, _author_ids(site.authors), set(),
                       files, check)
        new = _with_body(new, resolve_links(new.body, new, site.links, {}, check, anchors, sizes))
        if check.errors() or Placement.of(new) != site.placements[index]:
            return None
        report.extend(check.items)
        articles[index] = new
    photos = _photo_sizes([a.photo for a in edited], None, None, sizes)  # a photo may be new
    return replace(site, articles=articles, sizes={**site.sizes, **photos})


def _with_body(article: Article, body: str) -> Article:
    return article if body is article.body else replace(article, body=body)


def _file_id(path: str) -> str:
    return path.rsplit("/", 1)[-1].removesuffix(".md")


def _publishable(articles: list[Article], options: Options) -> tuple[list[Article], list[str], dict[str, LeftOut]]:
    """The articles this build publishes, notices about the others, and why each other is left out."""
    kept, drafts, scheduled, expired = [], [], [], []
    for article in sorted(articles, key=lambda a: a.source):
        if article.draft:
            drafts.append(article)
            if options.drafts:
                kept.append(replace(article, status="draft"))
        elif article.date > options.now:
            scheduled.append(article)
            if options.future:
                kept.append(replace(article, status="scheduled"))
        elif is_expired(article, options.now):
            expired.append(article)  # taken down, in the preview too: readers can no longer see it
        else:
            kept.append(article)
    notices = []
    if scheduled and not options.future:
        first = min(scheduled, key=lambda a: a.date)
        notices.append(f"left out {len(scheduled)} scheduled article{'s' * (len(scheduled) > 1)} "
                       f"(next: {first.source} on {first.date:%Y-%m-%d %H:%M}); --future includes them")
    if drafts and not options.drafts:
        notices.append(f"left out {len(drafts)} draft{'s' * (len(drafts) > 1)}; --drafts includes them")
    if expired:
        last = max(expired, key=lambda a: a.expires)
        notices.append(f"left out {counted(len(expired), 'expired article')} (latest: {last.source}, expired "
                       f"{last.expires:%Y-%m-%d %H:%M})")
    left_out = {a.source: LeftOut("a draft") for a in drafts if not options.drafts}
    left_out.update({a.source: LeftOut(f"scheduled for {a.date:%Y-%m-%d %H:%M}")
                     for a in scheduled if not options.future})
    # A link to an article that has expired is only a warning: the build that takes the article
    # down at its time must not fail for it, or the article would stay up.
    left_out.update({a.source: LeftOut(f"expired since {a.expires:%Y-%m-%d %H:%M}", WARNING) for a in expired})
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


def _config_image(config: Config, key: str, files: dict[str, str], report: Report) -> tuple[str, str | None] | None:
    """(URL, the site's file) of config.yaml's default_image or logo; None when unset or missing."""
    value = getattr(config, key)
    if not value:
        return None
    if re.match(r"^https?://", value):
        return value, None
    local = posixpath.normpath(posixpath.join(config.content_dir, value.lstrip("/")))
    if local in files:
        return files[local], local
    hint = did_you_mean(value, [p.removeprefix(config.content_dir + "/") for p in files if not p.startswith("/")])
    report.error("config.yaml", f'{key} "{value}" does not exist: there is no file {local}{hint}',
                 *config.lines.get(key, (1, 1)))
    return None


def _photo_sizes(photos: list[Photo | None], default_image, logo, sizes: ImageSizes) -> dict[str, tuple[int, int]]:
    """The pixel size of every local picture pages show outside bodies, by URL: width and height
    on each <img> keep the page from shifting as it loads, and link cards need them too."""
    found = {}
    pictures = [(p.src, p.local) for p in photos if p is not None and p.local] + [i for i in (default_image, logo) if i]
    for url, local in pictures:
        size = sizes.of(local) if local else None
        if size:
            found[url] = size
    return found


def _names(articles: list[Article], key: str, what: str, report: Report) -> dict[str, str]:
    """One spelling per slug of the articles' tags (or series): the most used, then the first met."""
    def written(article: Article) -> tuple[str, ...]:
        value = getattr(article, key)
        return value if isinstance(value, tuple) else (value,) if value else ()

    spellings: dict[str, Counter] = defaultdict(Counter)
    for article in sorted(articles, key=lambda a: a.source):
        for name in written(article):
            spellings[urls.slugify(name)][name] += 1
    names = {slug: counts.most_common(1)[0][0] for slug, counts in sorted(spellings.items())}
    for article in sorted(articles, key=lambda a: a.source):
        for name in written(article):
            shown = names[urls.slugify(name)]
            if name != shown:
                report.warning(article.source, f'{what} "{name}" is the same {what} as "{shown}"; it is shown as '
                               f'"{shown}"', *article.lines.get(key, (1, 1)))
    return names


def _group(config: Config, placements: list[Placement], tag_names: dict[str, str], series_names: dict[str, str],
           authors) -> dict:
    """The site's lists of articles: by section, tag, series and author, and each tag's weight."""
    sections = {s.slug: [] for s in config.sections}
    tags: dict[str, list[int]] = {slug: [] for slug in tag_names}
    series: dict[str, list[int]] = {slug: [] for slug in series_names}
    by_author: dict[str, list[int]] = {ident: [] for ident in authors}
    tags_of = [tag_slugs(p.tags) for p in placements]
    for index, placed in enumerate(placements):
        sections[placed.section].append(index)
        for slug in tags_of[index]:
            tags[slug].append(index)
        for ident in placed.authors:
            by_author[ident].append(index)
        if placed.series:
            series[placed.series].append(index)
    weights = {slug: round(math.log(1 + len(placements) / len(posting)) * 1e6) * TAG_UNIT
               for slug, posting in tags.items() if posting}
    return {"by_section": sections, "by_tag": tags, "by_author": by_author, "tags_of": tags_of,
            "tag_weights": weights, "by_series": {slug: parts[::-1] for slug, parts in series.items()}}


def tag_slugs(tags) -> list[str]:
    return list(dict.fromkeys(urls.slugify(t) for t in tags))


