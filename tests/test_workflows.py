"""The repository's GitHub workflows: they pass actionlint (which also flags actions that run on
a retired Node version) and GitHub's workflow schema, offline, and do what the README's
"Publishing" says."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing: run `make test`, which installs the test extras", pytrace=False)
    return found


def load(name: str) -> dict:
    data = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps(job: dict) -> list[dict]:
    return job["steps"]


def step_using(job: dict, action: str) -> list[dict]:
    return [s for s in steps(job) if s.get("uses", "").split("@")[0] == action]


def test_there_are_workflows():
    assert [p.name for p in WORKFLOWS] == ["publish.yml", "pull-request.yml"]


def test_every_workflow_passes_actionlint():
    result = subprocess.run([tool("actionlint"), *map(str, WORKFLOWS)], capture_output=True, text=True)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_actionlint_fails_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - uses: actions/checkout@v3\n      - run: echo ${{ github.evnt_name }}\n")
    result = subprocess.run([tool("actionlint"), str(broken)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "actions/checkout@v3" in result.stdout and "evnt_name" in result.stdout  # a retired runtime, a typo


def test_every_workflow_matches_githubs_schema():
    result = subprocess.run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                             *map(str, WORKFLOWS)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_action_is_pinned_to_a_version():
    for path in WORKFLOWS:
        for use in re.findall(r"uses:\s*(\S+)", path.read_text()):
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@v\d+", use), (path.name, use)


def test_a_pull_request_is_checked_strictly_built_and_attached_without_saving_the_cache():
    flow = load("pull-request.yml")
    assert "pull_request" in flow["on"]
    (job,) = flow["jobs"].values()
    runs = [s.get("run", "") for s in steps(job)]
    assert "newsroom check . --strict" in runs and "newsroom build ." in runs
    assert runs.index("newsroom check . --strict") < runs.index("newsroom build .")
    (upload,) = step_using(job, "actions/upload-artifact")
    assert upload["with"]["path"] == "output/"
    assert step_using(job, "actions/cache/restore") and not step_using(job, "actions/cache/save")
    assert not step_using(job, "actions/cache")  # restore only: a pull request is never main's record


def test_main_is_published_on_push_by_hand_and_every_15_minutes():
    flow = load("publish.yml")
    assert flow["on"]["push"]["branches"] == ["main"]
    assert flow["on"]["schedule"] == [{"cron": "*/15 * * * *"}]
    assert "workflow_dispatch" in flow["on"]
    assert flow["concurrency"]["cancel-in-progress"] is False


def test_the_schedule_builds_and_deploys_only_when_due_says_so():
    jobs = load("publish.yml")["jobs"]
    build, deploy = jobs["build"], jobs["deploy"]
    (due,) = [s for s in steps(build) if "newsroom due" in s.get("run", "")]
    assert 'github.event_name }}" != "schedule"' in due["run"]  # asked on a schedule only
    gate = f"steps.{due['id']}.outputs.publish == 'true'"
    for name in ("Build", "Save the build cache", "Upload the site for GitHub Pages"):
        (step,) = [s for s in steps(build) if s.get("name") == name]
        assert step["if"] == gate, name
    names = [s.get("name") for s in steps(build)]
    assert names.index(due["name"]) < names.index("Build") < names.index("Save the build cache")
    assert build["outputs"]["publish"] == f"${{{{ steps.{due['id']}.outputs.publish }}}}"
    assert deploy["needs"] == "build" and deploy["if"] == "needs.build.outputs.publish == 'true'"


def test_the_deployment_url_is_the_deploy_jobs_output():
    deploy = load("publish.yml")["jobs"]["deploy"]
    (step,) = step_using(deploy, "actions/deploy-pages")
    assert deploy["outputs"]["url"] == f"${{{{ steps.{step['id']}.outputs.page_url }}}}"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}


def test_each_build_saves_a_cache_of_its_own_and_restores_the_newest():
    build = load("publish.yml")["jobs"]["build"]
    (restore,) = step_using(build, "actions/cache/restore")
    (save,) = step_using(build, "actions/cache/save")
    assert restore["with"]["path"] == save["with"]["path"] == ".cache/newsroom"
    assert "github.run_id" in save["with"]["key"]  # a new entry each time: GitHub never overwrites one
    assert save["with"]["key"].startswith(restore["with"]["restore-keys"])


def test_the_due_step_tells_not_due_from_failure():
    """`newsroom due` exits 1 when nothing is due and 2 when the site cannot be read: only 1 skips."""
    (due,) = [s for s in steps(load("publish.yml")["jobs"]["build"]) if "newsroom due" in s.get("run", "")]
    script = due["run"].replace("${{ github.event_name }}", "schedule").replace("newsroom due .", "exit_with")
    for status, expected in [(0, "publish=true"), (1, "publish=false"), (2, None)]:
        output = Path(subprocess.run(["mktemp"], capture_output=True, text=True).stdout.strip())
        result = subprocess.run(["bash", "-c", f"exit_with() {{ return {status}; }}\n{script}"],
                                env={"GITHUB_OUTPUT": str(output), "PATH": "/usr/bin:/bin"}, capture_output=True)
        if expected is None:
            assert result.returncode == status
        else:
            assert result.returncode == 0 and output.read_text().strip() == expected
        output.unlink()
