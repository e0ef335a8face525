"""CI runs the README's commands as the README writes them, and the quick start before anything else.

`.ci/run` reads the blocks marked `quick-start` and `local-stack` out of README.md with `.ci/readme.sh`; these
tests run that same reader, so the blocks cannot be renamed, emptied or reshaped without failing here.
"""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CI_RUN = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
FIRST_README_COMMAND = 'as_written "${quick_start[0]}"'
# Anything that would prepare the machine or the checkout for the README's commands.
PREPARING = re.compile(r"\b(make|mkdir|touch|cp|apt-get|apt_ensure|pip|uv|export|python3?)\b|\.venv/|>\s*\.run")


def readme_block(name: str, readme: Path = ROOT / "README.md") -> list[str]:
    reader = f"source .ci/readme.sh && readme_block {name} {readme}"
    return subprocess.run(["bash", "-c", reader], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.splitlines()


def commands(lines: list[str]) -> list[str]:
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


def test_the_quick_start_is_make_demo_then_make_test() -> None:
    """.ci/run checks the first command's output as the demo table and runs the rest last."""
    assert commands(readme_block("quick-start")) == ["make demo", "make test"]


def test_the_local_stack_route_starts_the_stack_analyzes_through_the_gateway_and_stops_it() -> None:
    route = readme_block("local-stack")
    assert route[0] == "make infra-up && make stack-up"
    assert any(line.startswith(".venv/bin/tenderflow analyze .run/sample-tender.zip --gateway http://127.0.0.1:8000")
               for line in route)
    assert route[-1] == "make stack-down && make infra-down"


def test_the_quick_start_runs_before_anything_is_prepared() -> None:
    before, found, _ = CI_RUN.partition(FIRST_README_COMMAND)
    assert found, f".ci/run does not run {FIRST_README_COMMAND}"
    code = [line.split("#", 1)[0] for line in before.splitlines() if not line.lstrip().startswith("#")]
    preparing = [line.strip() for line in code if PREPARING.search(line)]
    assert not preparing, f".ci/run prepares something before the README's first command: {preparing}"


def test_ci_runs_the_blocks_it_reads_and_make_test_last() -> None:
    assert "readme_block quick-start" in CI_RUN and "readme_block local-stack" in CI_RUN
    assert 'as_written "$local_stack"' in CI_RUN
    rest_of_quick_start = 'for command in "${quick_start[@]:1}"; do\n  as_written "$command"\ndone'
    _, found, after = CI_RUN.rstrip().partition(rest_of_quick_start)
    assert found
    after_tests = [line.split("#", 1)[0].strip() for line in after.strip().splitlines()]
    assert after_tests in ([], ["make faults"], ["make faults", "make load"]), \
        "only the fault suite, then the load run, may follow make test"


def test_the_reader_takes_an_indented_block_whole_and_nothing_after_it(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("- item:\n\n  <!-- route -->\n  ```bash\n  make a && make b\n  echo \"$X\"  # note\n  ```\n"
                      "  <!-- /route -->\n\n```bash\nmake c\n```\n", encoding="utf-8")
    assert readme_block("route", readme) == ["make a && make b", 'echo "$X"  # note']
    assert readme_block("missing", readme) == []
