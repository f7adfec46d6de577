"""What templates receive: plain dicts built from the model (the contract is the README's "Template context")."""

from __future__ import annotations

import json
import re
from typing import NamedTuple

from generator import dates, urls
from generator.config import Config
from generator.model import Author, Photo
from generator.read import markup
from generator.site.assemble import Site


def site_view(site: Site) -> dict:
    config = site.config
    newest = site.articles[0].date.year if site.articles else None
    return {
        "title": config.title, "description": config.description, "base_url": config.base_url,
        "language": config.language, "locale": og_locale(config.language), "feed_url": urls.feed(urls.home()),
        "year": newest,
        "sections": [{"slug": s.slug, "title": s.title, "url": urls.section_url(s.slug)} for s in config.sections],
        "pages": [{"title": p.title, "url": p.url} for p in sorted(site.pages, key=lambda p: p.url)],
        "image": image_view(config, site.sizes, site.default_image, f"{config.title}"),
        "logo": image_view(config, site.sizes, site.logo, f"{config.title} logo"),
    }


def og_locale(language: str) -> str:
    """Open Graph's language_TERRITORY from a page language: en-GB gives en_GB; a bare language its
    most common territory where that is clear (en gives en_US), else the language doubled (fr_FR)."""
    language, _, territory = language.replace("_", "-").partition("-")
    if territory:
        return f"{language.lower()}_{territory.upper()}"
    return {"en": "en_US", "pt": "pt_BR", "zh": "zh_CN", "ja": "ja_JP", "ko": "ko_KR",
            "ar": "ar_AR", "he": "he_IL", "sv": "sv_SE", "da": "da_DK", "uk": "uk_UA",
            "el": "el_GR", "cs": "cs_CZ"}.get(language.lower(), f"{language.lower()}_{language.upper()}")


def image_view(config: Config, sizes: dict, src: str | None, alt: str | None) -> dict | None:
    """An image as <meta> tags and JSON-LD need it: absolute URL, and its size when it is a local file."""
    if not src:
        return None
    width, height = sizes.get(src, (None, None))
    return {"src": src, "url": _absolute(config, src), "width": width, "height": height, "alt": alt}


def meta(config: Config, site: dict, kind: str, title: str, url: str, description: str = "", *,
         image: dict | None = None, feed_url: str | None = None, feed_title: str | None = None,
         section: str | None = None, jsonld: str | None = None, noindex: bool = False,
         authors: tuple[str, ...] = ()) -> dict:
    """What base.html puts in <head>. `image`: an image_view; the site's default image otherwise."""
    return {
        "kind": kind, "title": title, "document_title": document_title(config, kind, title),
        "url": url, "canonical": urls.absolute(config, url),
        "description": describe(description or config.description or config.title),
        "image": image or site["image"],
        "og_type": "article" if kind == "article" else "profile" if kind == "author" else "website",
        "feed_url": feed_url or urls.feed(urls.home()), "feed_title": f"{feed_title or title} – {config.title}",
        "section": section, "jsonld": jsonld, "noindex": noindex, "authors": list(authors),
    }


def document_title(config: Config, kind: str, title: str) -> str:
    """"Headline – Site", whole: a title cut short could be another page's too."""
    if kind == "home" or not title:
        return config.title
    return f"{title} – {config.title}"


DESCRIPTION_LIMIT = 160  # characters of a description that search results and link cards show


def describe(text: str) -> str:
    """A meta description: at most DESCRIPTION_LIMIT characters, cut on a word, without the
    story's dateline ("WASHINGTON — "), which says nothing out of the page."""
    text = _without_dateline(" ".join(text.split()))
    if len(text) <= DESCRIPTION_LIMIT:
        return text
    cut = text[: DESCRIPTION_LIMIT].rsplit(" ", 1)[0].rstrip(",;:—–-… ")
    return cut + "…"


def _without_dateline(text: str) -> str:
    """Text after a leading dateline: a few capitalised words, then a dash."""
    for dash in (" — ", " – ", " -- "):
        head, found, rest = text.partition(dash)
        if found and len(head) <= 40 and head.upper() == head and any(c.isalpha() for c in head):
            return rest
    return text


def author_summary(author: Author) -> dict:
    return {"id": author.id, "name": author.name, "role": author.role, "url": urls.author_url(author.id)}


def photo_view(config: Config, photo: Photo | None, sizes: dict) -> dict | None:
    if photo is None:
        return None
    width, height = sizes.get(photo.src, (None, None))
    return {"src": photo.src, "absolute_src": _absolute(config, photo.src), "alt": photo.alt,
            "caption": photo.caption, "credit": photo.credit, "width": width, "height": height}


class Ref(NamedTuple):
    """Article `index` of the site as a page's context receives it: a "teaser" (listings and
    related rails: no body), "whole" (its own page: with the body) or a "feed" entry (full text,
    links made absolute). Routes hold these in place of the views; see Views.resolve. (A tuple,
    since routes hold many: whatever looks into a route's arguments tells a Ref first.)"""

    index: int
    form: str = "teaser"


class Views:
    """The views of one site's articles, each made once and shared by every page that shows it
    (callers that add to one copy it first)."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.site_view = site_view(site)
        self.made: dict[Ref, dict] = {}

    def resolve(self, value):
        """`value` with every Ref in it (in tuples, at any depth) replaced by its view."""
        if isinstance(value, Ref):
            return self.view(value)
        if isinstance(value, tuple):
            return [self.resolve(item) for item in value]
        return value

    def view(self, ref: Ref) -> dict:
        view = self.made.get(ref)
        if view is None:
            view = self.made[ref] = self._make(ref)
        return view

    def _make(self, ref: Ref) -> dict:
        site, article = self.site, self.site.articles[ref.index]
        if ref.form == "teaser":
            return article_view(site, ref.index)
        view = dict(self.view(Ref(ref.index)))
        if ref.form == "whole":
            view.update(page_view(site, ref.index))
        else:
            view["id"] = view["absolute_url"]
            view["content"] = absolute_links(site.config, article.body, view["absolute_url"])
            view["published_iso"] = view["date_iso"]
            view["updated_iso"] = view["updated_iso"] or view["date_iso"]
        return view


EXCERPT_WORDS = 20  # of the summary, in the related rail
WORDS_PER_MINUTE = 230  # an adult's silent reading of news prose


def page_view(site: Site, index: int) -> dict:
    """What an article's own page shows besides its teaser view: the body, and the table of contents
    when it has one (`toc:` says, or else the number of headings reaching config's toc_headings)."""
    article = site.articles[index]
    shown = article.toc if article.toc is not None else len(article.headings) >= site.config.toc_headings
    toc = [{"level": level, "id": ident, "text": text} for level, ident, text in article.headings] if shown else []
    return {"body": article.body, "toc": toc}


def article_view(site: Site, index: int) -> dict:
    """Article `index` as listings, the related rail and feeds show it (no body)."""
    config, article = site.config, site.articles[index]
    section = config.section(article.section)
    return {
        "title": article.title, "url": article.url, "absolute_url": urls.absolute(config, article.url),
        "date_iso": dates.iso(article.date), "date_display": dates.display(article.date),
        "updated_iso": dates.iso(article.updated) if article.updated else None,
        "updated_display": dates.display(article.updated) if article.updated else None,
        "authors": [author_summary(site.authors[i]) for i in article.authors],
        "section": {"slug": section.slug, "title": section.title, "url": urls.section_url(section.slug)},
        "tags": [{"name": site.tag_names[s], "slug": s, "url": urls.tag_url(s)} for s in site.tags_of[index]],
        "dateline": article.dateline, "summary": article.summary,
        "excerpt": markup.excerpt(article.summary, EXCERPT_WORDS),
        "photo": photo_view(config, article.photo, site.sizes),
        "reading_minutes": max(1, -(-article.words // WORDS_PER_MINUTE)),
        "corrections": [{"kind": c.kind, "label": c.kind.capitalize(), "text": c.text, "date_iso": dates.iso(c.date),
                         "date_display": dates.display(c.date)} for c in article.corrections],
        "status": article.status, "extra": article.extra,
    }


def absolute_links(config: Config, body: str, page: str) -> str:
    """Root-relative, protocol-relative (//host/x) and in-page (#fn-1) links made absolute, as feed
    readers need (a feed has no page whose address they could be read against)."""
    scheme = config.base_url.split(":", 1)[0]
    body = re.sub(r'(href|src)="//', lambda m: f'{m.group(1)}="{scheme}://', body)
    body = re.sub(r'(href|src)="/(?!/)', lambda m: f'{m.group(1)}="{config.base_url}/', body)
    return body.replace('href="#', f'href="{page}#')


def _absolute(config: Config, url: str) -> str:
    return urls.absolute(config, url) if url.startswith("/") and not url.startswith("//") else url


def article_jsonld(config: Config, site: dict, view: dict) -> str:
    """schema.org NewsArticle and its BreadcrumbList, as one JSON-LD graph."""
    image = _image_object(photo_image(view["photo"]) or site["image"])
    news = {
        "@type": "NewsArticle", "headline": view["title"], "description": describe(view["summary"]),
        "datePublished": view["date_iso"], "dateModified": view["updated_iso"] or view["date_iso"],
        "mainEntityOfPage": view["absolute_url"], "url": view["absolute_url"],
        "articleSection": view["section"]["title"], "inLanguage": config.language,
        "author": [{"@type": "Person", "name": a["name"], "url": urls.absolute(config, a["url"])}
                   for a in view["authors"]],
        "publisher": _publisher(config, site),
    }
    if image:
        news["image"] = [image]
    if view["tags"]:
        news["keywords"] = [t["name"] for t in view["tags"]]
    fixes = [c for c in view["corrections"] if c["kind"] != "update"]  # an update corrects nothing
    if fixes:
        news["correction"] = [{"@type": "CorrectionComment", "text": f'{c["label"]}: {c["text"]}',
                               "datePublished": c["date_iso"]} for c in fixes]
    section = view["section"]
    crumbs = [("Home", config.base_url + "/"), (section["title"], urls.absolute(config, section["url"])),
              (view["title"], view["absolute_url"])]
    trail = {"@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": n, "name": name, "item": url} for n, (name, url) in enumerate(crumbs, 1)]}
    return json_script({"@context": "https://schema.org", "@graph": [news, trail]})


def listing_jsonld(config: Config, site: dict, meta: dict, author: dict | None) -> str:
    """A listing as a schema.org CollectionPage; an author's as a ProfilePage about the Person."""
    page = {"@type": "ProfilePage" if author else "CollectionPage", "name": meta["title"],
            "url": meta["canonical"], "description": meta["description"], "inLanguage": config.language,
            "isPartOf": {"@type": "WebSite", "name": config.title, "url": config.base_url + "/"}}
    if author:
        person = {"@type": "Person", "name": author["name"], "url": urls.absolute(config, author["url"])}
        if author["role"]:
            person["jobTitle"] = author["role"]
        if author["bio_summary"]:
            person["description"] = author["bio_summary"]
        if author["photo"]:
            person["image"] = _absolute(config, author["photo"])
        if author["links"]:
            person["sameAs"] = [link["url"] for link in author["links"]]
        page["mainEntity"] = person
    return json_script({"@context": "https://schema.org", **page})


def photo_image(photo: dict | None) -> dict | None:
    """An article's photo as an image_view."""
    if not photo:
        return None
    return {"src": photo["src"], "url": photo["absolute_src"], "width": photo["width"], "height": photo["height"],
            "alt": photo["alt"]}


def _image_object(image: dict | None) -> dict | None:
    if not image:
        return None
    found = {"@type": "ImageObject", "url": image["url"]}
    if image["width"]:
        found.update(width=image["width"], height=image["height"])
    return found


def _publisher(config: Config, site: dict) -> dict:
    publisher = {"@type": "NewsMediaOrganization", "name": config.title, "url": config.base_url + "/"}
    logo = _image_object(site["logo"])
    if logo:
        publisher["logo"] = logo
    return publisher


def json_script(data: dict) -> str:
    """JSON safe inside <script>: no "</" can close the element early."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def author_view(author: Author, count: int, sizes: dict) -> dict:
    view = author_summary(author)
    width, height = sizes.get(author.photo.src, (None, None)) if author.photo else (None, None)
    view.update({"bio": author.bio, "bio_summary": markup.excerpt(markup.plain_text(author.bio), 30),
                 "photo": author.photo.src if author.photo else None, "photo_width": width, "photo_height": height,
                 "email": author.email,
                 "links": [{"label": label, "url": url} for label, url in author.links], "count": count})
    return view
