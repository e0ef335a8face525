"""A package of a spreadsheet, a Word document, a text file and a Markdown file is read whole, with citations."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import openpyxl


def build_package(tmp_path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Prices"
    sheet.append(["Harbour works: price schedule"])
    sheet.append(["Lot", "Title", "Estimated value"])
    sheet.append(["1", "Quay wall repair", "EUR 1,250,000"])
    workbook.save(tmp_path / "prices.xlsx")
    document = docx.Document()
    document.add_paragraph("The Port of Exampleton invites tenders for harbour works.")
    document.add_paragraph("Tenders must be received by 14 March 2031 at 12:00.")
    document.save(tmp_path / "notice.docx")
    package = tmp_path / "package.zip"
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(tmp_path / "prices.xlsx", "prices.xlsx")
        archive.write(tmp_path / "notice.docx", "notice.docx")
        archive.writestr("contact.txt", "Questions about this tender go to procurement@port-exampleton.example\n")
        archive.writestr("README.md", "# Harbour works\n\n## Procedure\n\nOpen procedure under the regulations.\n")
    return package


def tenderflow(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TENDERFLOW_")}
    return subprocess.run([sys.executable, "-m", "tenderflow_cli", *args], capture_output=True, text=True,
                          timeout=180, env=env)


def test_xlsx_docx_text_and_markdown_are_all_accepted_and_cited(tmp_path):
    data_dir = tmp_path / "data"
    result = tenderflow("analyze", str(build_package(tmp_path)), "--format", "json", "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stderr
    assert "skipped" not in result.stderr, result.stderr
    job_id = json.loads(result.stdout)["job_id"]
    shown = tenderflow("jobs", "show", job_id, "--data-dir", str(data_dir))
    assert shown.returncode == 0, shown.stderr
    files = {entry["name"]: entry for entry in json.loads(shown.stdout)["files"]}
    assert {name: entry["accepted"] for name, entry in files.items()} == {
        "prices.xlsx": True, "notice.docx": True, "contact.txt": True, "README.md": True,
    }
    cited = {
        row["question_id"]: (row["answer"], [(c["file"], c.get("path"), c.get("row")) for c in row["citations"]])
        for row in json.loads(result.stdout)["answers"]
    }
    assert cited["title"] == ("Quay wall repair", [("prices.xlsx", "Prices", 3)])
    assert cited["deadline"][1] == [("notice.docx", "paragraph 2", None)]
    assert cited["procedure"][1] == [("README.md", "Harbour works > Procedure, line 5", None)]
    assert cited["contact_email"] == ("procurement@port-exampleton.example", [("contact.txt", "line 1", None)])
