import os
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from generator.diagnostics import Report
from generator.executor import Forked, Serial, cores
from generator.read.content import Reader
from generator.read.reading import read_all
from generator.read.reads import pack, unpack
from generator.read.sources import Sources

NY = ZoneInfo("America/New_York")
CONFIG = SimpleNamespace(tz=NY, timezone="America/New_York", content_dir="content")


def test_forked_workers_give_what_one_process_gives():
    squares = {n: n * n for n in range(600)}  # what the job needs, shared with forked workers as it is

    def job(index: int) -> tuple[int, int]:
        return squares[index], os.getpid()

    results = list(Forked(minimum=1).map(job, range(600), 16))
    assert [value for value, _ in results] == [n * n for n in range(600)]
    assert os.getpid() not in {pid for _, pid in results} or cores() < 2
    assert {pid for _, pid in Forked().map(job, range(3))} == {os.getpid()}  # too few to be worth a pool
    assert list(Serial().map(job, range(600))) == results if cores() < 2 else True


def site_of(tmp_path, count: int) -> Sources:
    sources = Sources()
    for n in range(count):
        path = f"content/articles/a{n}.md"
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        text = f"---\ntitle: Story {n}\ndate: 2021-04-02\nauthor: kate\n---\nBody {n}, *emphasis*.\n"
        (tmp_path / path).write_text(text)
        sources.articles.append(path)
    return sources


def test_reading_on_all_cores_gives_what_reading_here_gives(tmp_path):
    sources = site_of(tmp_path, 120)
    sources.articles.append("content/articles/gone.md")
    forked = read_all(tmp_path, CONFIG, sources, Forked(minimum=1), Report())
    here = read_all(tmp_path, CONFIG, sources, Serial(), Report())
    assert forked.files == here.files and forked.read == 120
    reader = Reader(NY, "content")
    first = sources.articles[0]
    assert forked.files[first][1:] == reader.article(first, (tmp_path / first).read_bytes())
    assert "cannot be read" in forked.files["content/articles/gone.md"][2][0].message


def test_files_read_before_are_taken_from_the_earlier_reads_by_their_bytes(tmp_path):
    sources = site_of(tmp_path, 120)
    first = read_all(tmp_path, CONFIG, sources, Forked(minimum=1), Report())
    (tmp_path / sources.articles[0]).write_text("---\ntitle: Edited\ndate: 2021-04-02\nauthor: kate\n---\nNew.\n")
    again = unpack(pack(read_all(tmp_path, CONFIG, sources, Forked(minimum=1), Report(), first)))
    assert again.read == 1 and again.files[sources.articles[0]][1].title == "Edited"
    assert again.files[sources.articles[1]] == first.files[sources.articles[1]]


def test_files_not_changed_since_an_earlier_read_are_not_looked_at(tmp_path):
    sources = site_of(tmp_path, 3)
    first = read_all(tmp_path, CONFIG, sources, Serial(), Report())
    (tmp_path / sources.articles[0]).write_text("---\ntitle: Edited\ndate: 2021-04-02\nauthor: kate\n---\nNew.\n")
    (tmp_path / sources.articles[1]).unlink()  # not said to have changed: taken as it was
    again = read_all(tmp_path, CONFIG, sources, Serial(), Report(), first, {sources.articles[0]})
    assert again.files[sources.articles[0]][1].title == "Edited" and again.read == 1
    assert again.files[sources.articles[1]] == first.files[sources.articles[1]]
