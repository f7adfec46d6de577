from zoneinfo import ZoneInfo

from generator import content, parallel

NY = ZoneInfo("America/New_York")


def jobs(count: int) -> list[tuple[str, str, bytes]]:
    return [("article", f"content/articles/a{n}.md",
             f"---\ntitle: Story {n}\ndate: 2021-04-02\nauthor: kate\n---\nBody {n} with *emphasis*.\n".encode())
            for n in range(count)]


def test_reading_in_worker_processes_gives_what_reading_here_gives():
    many = jobs(parallel.WORTH_IT * 2)
    reader = content.Reader(NY, "content")
    assert list(parallel.read_many(many, NY, "content")) == [reader.article(path, raw) for _, path, raw in many]


def test_few_files_are_read_without_a_pool():
    assert [item.title for item, _ in parallel.read_many(jobs(3), NY, "content")] == ["Story 0", "Story 1", "Story 2"]
