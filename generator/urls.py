"""Every output URL and the file that holds it: the one module that knows `/x/` is `x/index.html`."""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import datetime
from urllib.parse import quote, unquote

from generator.config import Config

# Latin letters that Unicode does not decompose into an ASCII letter and a mark.
_LETTERS = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE",
                          "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "TH", "ı": "i"})


@functools.lru_cache(maxsize=65536)  # tags are slugified again and again
def slugify(text: str) -> str:
    """ASCII, lowercase, hyphens: "Côte d'Ivoire" -> "cote-divoire".

    Text with no Latin letters at all (a tag in Korean, say) keeps a stable
    slug made of its code points rather than an empty one.
    """
    text = text.translate(_LETTERS)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"['’]", "", ascii_text.lower())
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if slug:
        return slug
    return "-".join(f"u{ord(c):x}" for c in text if c.isalnum())


def article_url(config: Config, section: str, slug: str, date: datetime) -> str:
    return config.permalink.format(section=section, slug=slug, year=f"{date.year:04d}",
                                   month=f"{date.month:02d}", day=f"{date.day:02d}")


def home() -> str:
    return "/"


def section_url(slug: str) -> str:
    return f"/{slug}/"


def tag_url(slug: str) -> str:
    return f"/tags/{slug}/"


def year_url(year: int) -> str:
    return f"/{year}/"


def month_url(year: int, month: int) -> str:
    return f"/{year}/{month:02d}/"


def series_url(slug: str) -> str:
    return f"/series/{slug}/"


def author_url(ident: str) -> str:
    return f"/authors/{ident}/"


def page_url(slug: str) -> str:
    return f"/{slug}/"


TAGS = "/tags/"
CORRECTIONS = "/corrections/"
ARCHIVE = "/archive/"
AUTHORS = "/authors/"
NOT_FOUND = "/404.html"
ROBOTS = "/robots.txt"
SITEMAP = "/sitemap.xml"


def paged(url: str, number: int) -> str:
    """Page 1 of a listing is the listing itself; page N is under page/N/."""
    return url if number == 1 else f"{url}page/{number}/"


def feed(url: str) -> str:
    return f"{url}feed.xml"


def sitemap_part(number: int) -> str:
    return f"/sitemap-{number}.xml"


def static(path: str) -> str:
    """URL of a file published as is; `path` is relative, with forward slashes.
    Spaces and non-ASCII letters in file names are percent-encoded, as URLs need."""
    return "/" + quote(path)


def alias(path: str) -> str:
    """An old URL path from `aliases:` as a canonical URL: /2021/04/x -> /2021/04/x/."""
    path = "/" + quote(unquote(path.strip()).lstrip("/"))
    if not path.endswith("/") and not re.search(r"\.html?$", path):
        path += "/"
    return path


def output_path(url: str) -> str:
    """The file (relative to the output folder) that serves a URL."""
    path = unquote(url).lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return path


def is_safe(url: str) -> bool:
    """A URL whose file stays inside the output folder."""
    parts = url.split("/")
    return url.startswith("/") and ".." not in parts and "." not in parts and "\\" not in url \
        and "\x00" not in url and "//" not in url


def absolute(config: Config, url: str) -> str:
    return config.base_url + url
