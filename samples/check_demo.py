"""Checks that a printed answer table answers the sample package's questions as `expected-answers.json` says."""

import json
import sys
from pathlib import Path

ANSWER_COLUMN = 2


def answer_column(text: str) -> str:
    """The answer column read top to bottom, so answers wrapped over several lines join up again."""
    cells = [line.split("│")[ANSWER_COLUMN] for line in text.splitlines() if line.count("│") >= 4]
    return " ".join(" ".join(cells).split()).lower()


def main(printed: Path, expected: Path) -> int:
    table = answer_column(printed.read_text(encoding="utf-8"))
    answers = json.loads(expected.read_text(encoding="utf-8"))
    missing = [qid for qid, fragments in answers.items() if not any(f.lower() in table for f in fragments)]
    for qid in missing:
        print(f"demo table lacks an expected answer for {qid}: one of {answers[qid]}", file=sys.stderr)
    print(f"demo answers: {len(answers) - len(missing)}/{len(answers)} as expected")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
