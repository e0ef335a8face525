#!/usr/bin/env bash
# Installs Tesseract and the language packs of the tenders we read (make ocr, which make test runs first):
# the languages of tenderflow_ingest.extractors.ocr.SUPPORTED_LANGUAGES. Safe to run again: apt_ensure installs
# only what is missing.
set -euo pipefail
# shellcheck source=../infra/lib.sh
source "$(dirname "$0")/../infra/lib.sh"

languages=(eng por spa rus)
packages=(tesseract-ocr)
for language in "${languages[@]}"; do
  packages+=("tesseract-ocr-$language")
done
apt_ensure "${packages[@]}"
log "tesseract $(tesseract --version 2>&1 | head -n 1 | awk '{print $2}'): $(tesseract --list-langs 2>/dev/null | tail -n +2 | tr '\n' ' ')"
