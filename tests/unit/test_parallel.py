import os
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from generator import content, parallel
from generator.cache import read_key

NY = ZoneInfo("America/New_York")
CONFIG = SimpleNamespace(tz=NY, timezone="America/New_York", content_dir="content")


def jobs(count: int) -> list[tuple[str, str, bytes]]:
    return [("article", f"content/articles/a{n}.md",
             f"---\ntitle: Story {n}\ndate: 2021-04-02\nauthor: kate\n---\nBody {n} with *emphasis*.\n".encode())
            for n in range(count)]


def test_reading_in_worker_processes_gives_what_reading_here_gives():
    many = jobs(parallel.WORTH_IT * 2)
    reader = content.Reader(NY, "content")
    assert list(parallel.read_many(many, CONFIG)) == [
        (read_key(CONFIG, "article", raw), reader.article(path, raw)) for _, path, raw in many]


def test_few_files_are_read_without_a_pool():
    titles = [item.title for _, (item, _) in parallel.read_many(jobs(3), CONFIG)]
    assert titles == ["Story 0", "Story 1", "Story 2"]


def test_workers_read_the_files_they_are_given(tmp_path):
    many = jobs(parallel.WORTH_IT * 2)
    for _, path, raw in many:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(raw)
    by_name = [(kind, path, tmp_path / path) for kind, path, _ in many] + [("article", "gone.md", tmp_path / "gone.md")]
    *read, (key, (item, problems)) = parallel.read_many(by_name, CONFIG)
    assert read == list(parallel.read_many(many, CONFIG))
    assert key is None and item is None and "cannot be read" in problems[0].message


def test_each_gives_in_worker_processes_what_it_gives_here():
    squares = {n: n * n for n in range(600)}  # what the job needs, shared with forked workers as it is

    def job(index: int) -> tuple[int, int]:
        return squares[index], os.getpid()

    results = parallel.each(job, len(squares), minimum=1)
    pids = {pid for _, pid in results}
    assert [value for value, _ in results] == [n * n for n in range(600)]
    assert os.getpid() not in pids or parallel.cores() < 2
    assert {pid for _, pid in parallel.each(job, 3)} == {os.getpid()}  # too few to be worth a pool

