"""The example site's output, byte for byte: `pytest tests/test_golden.py --update-golden` rewrites it."""

import shutil

from tests.conftest import EXAMPLE, ROOT, run_cli

GOLDEN = ROOT / "tests" / "golden"
TEXT = {".html", ".xml", ".txt", ".css", ".svg"}  # files published as is are only listed, not copied


def snapshot(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.suffix in TEXT}


def listing(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_example_site_matches_golden(tmp_path, request):
    out = tmp_path / "out"
    result = run_cli("build", EXAMPLE, "-o", str(out))
    assert result.returncode == 0, result.stderr
    built = snapshot(out)
    files = "\n".join(listing(out)) + "\n"
    if request.config.getoption("--update-golden"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, data in built.items():
            (GOLDEN / "site" / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / "site" / rel).write_bytes(data)
        (GOLDEN / "files.txt").write_text(files)
    assert (GOLDEN / "files.txt").read_text() == files
    expected = snapshot(GOLDEN / "site")
    assert sorted(built) == sorted(expected)
    changed = [rel for rel in built if built[rel] != expected[rel]]
    assert not changed, f"differs from tests/golden (run pytest --update-golden if intended): {changed[:10]}"
