import os

from generator.store import Store


def test_what_is_put_is_got_back_under_its_key_and_in_a_new_process(tmp_path):
    store = Store(tmp_path)
    path = store.put(b"k" * 16, b"value")
    assert store.get(b"k" * 16) == b"value" and open(path, "rb").read() == b"value"
    assert store.get(b"x" * 16) is None
    store.close()
    assert Store(tmp_path).get(b"k" * 16) == b"value"


def test_a_stored_file_written_to_through_a_link_is_not_given_out(tmp_path):
    store = Store(tmp_path / "store")
    path = store.put(b"k" * 16, b"the page")
    os.link(path, tmp_path / "index.html")  # as the output has it
    (tmp_path / "index.html").write_text("tampered")
    assert store.get(b"k" * 16) is None and store.file(b"k" * 16) is None


def test_closing_keeps_only_what_was_used(tmp_path):
    store = Store(tmp_path)
    store.put(b"a" * 16, b"old")
    store.close()
    store = Store(tmp_path)
    store.put(b"b" * 16, b"new")
    store.close()
    store = Store(tmp_path)
    assert store.get(b"a" * 16) is None and store.get(b"b" * 16) == b"new"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [(b"b" * 16).hex(), "index.pickle"]


def test_a_store_reads_through_to_the_one_below(tmp_path):
    below = Store(tmp_path / "below")
    below.put(b"a" * 16, b"from build")
    store = Store(tmp_path / "mine", below=below)
    assert store.get(b"a" * 16) == b"from build"
    store.put(b"b" * 16, b"mine")
    assert below.get(b"b" * 16) is None


def test_workers_puts_are_adopted(tmp_path):
    store = Store(tmp_path)
    elsewhere = Store(tmp_path)  # as a forked worker has it
    elsewhere.put(b"w" * 16, b"made in a worker")
    assert store.get(b"w" * 16) is None
    store.adopt([b"w" * 16])
    assert store.get(b"w" * 16) == b"made in a worker"
