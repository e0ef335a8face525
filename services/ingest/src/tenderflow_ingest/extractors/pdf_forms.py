"""Filled PDF form fields as `label: value` lines, because a form's answers are not in the page's text layer.

Standard forms (SF1449, SF33) and fillable notices keep what was typed in AcroForm field values; pdfium's text
layer only shows the blank form. Each filled field becomes one line on the page its widget sits on, labelled by
the field's tooltip or else its name (pdf_form_labels). Dynamic XFA forms, which have no widgets, are read from
their XFA data instead (pdf_xfa).
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from tenderflow_ingest.extractors import pdf_xfa
from tenderflow_ingest.extractors.pdf_form_labels import FilledField, field_label, field_lines, one_line
from tenderflow_ingest.limits import IngestLimits

_VALUE_TYPES = frozenset({pdfium_c.FPDF_FORMFIELD_TEXTFIELD, pdfium_c.FPDF_FORMFIELD_COMBOBOX,
                          pdfium_c.FPDF_FORMFIELD_LISTBOX})
_CHOICE_TYPES = frozenset({pdfium_c.FPDF_FORMFIELD_CHECKBOX, pdfium_c.FPDF_FORMFIELD_RADIOBUTTON})
_UNSEEN = pdfium_c.FPDF_ANNOT_FLAG_HIDDEN | pdfium_c.FPDF_ANNOT_FLAG_NOVIEW
# Export values that only say "ticked"; the line then says Yes.
_TICKED = frozenset({"on", "true", "checked", "x"})
# A page may carry any number of widgets; the deadline and cancellation are looked at between batches of them.
_CHECK_EVERY_ANNOTS = 1000


class DocumentForm:
    """A document's filled fields, read from each page while the text pass has it loaded: loading a page costs
    more than reading its widgets, so the form is not worth a second pass of its own."""

    def __init__(self, document: pdfium.PdfDocument, limits: IngestLimits) -> None:
        self.document = document
        self.limits = limits
        self.has_form = pdfium_c.FPDF_GetFormType(document.raw) != pdfium_c.FORMTYPE_NONE
        self.reader: _FieldReader | None = None
        self.unreadable = False
        # pdfium keeps a pointer to this configuration for as long as the form is open.
        self.config = pdfium_c.FPDF_FORMFILLINFO(version=2)

    def read(self, page: pdfium.PdfPage, index: int, check: Callable[[int], None]) -> None:
        """The page's filled fields, noted under its number from 1; check is called between batches of widgets."""
        if not self.has_form:
            return
        if self.reader is None:
            form = pdfium_c.FPDFDOC_InitFormFillEnvironment(self.document.raw, self.config)
            if not form:
                self.has_form = False
                self.unreadable = True
                return
            self.reader = _FieldReader(form, self.limits)
        if self.reader.full:
            return
        lines = self.reader.page(page, index, check)
        if lines:
            self.reader.pages[index + 1] = lines

    def close(self) -> None:
        if self.reader is not None and self.reader.form is not None:
            pdfium_c.FPDFDOC_ExitFormFillEnvironment(self.reader.form)
            self.reader.form = None

    def page_fields(self, warnings: list[str]) -> dict[int, list[str]]:
        """`label: value` lines of the filled fields, by page number from 1; empty for a PDF without a form.

        At most max_form_fields lines per document and max_form_value_chars per value; a field with widgets on
        several pages is written once, on the first. Closes the form.
        """
        self.close()
        if self.unreadable:
            warnings.append("PDF form fields could not be read")
            return {}
        if self.reader is None:
            return {}
        warnings.extend(self.reader.notes())
        if not self.reader.pages:
            xfa_lines = pdf_xfa.xfa_fields(self.document, self.limits, warnings)
            return {1: xfa_lines} if xfa_lines else {}
        return self.reader.pages


def with_fields(pages: list[list[str]], fields: dict[int, list[str]]) -> list[list[str]]:
    """Each page's lines followed by its filled fields."""
    return [lines + fields.get(number, []) for number, lines in enumerate(pages, start=1)]


class _FieldReader:
    """One document's form: the lines found so far, the names already written and what was cut."""

    def __init__(self, form: pdfium_c.FPDF_FORMHANDLE, limits: IngestLimits) -> None:
        self.form: pdfium_c.FPDF_FORMHANDLE | None = form
        self.limits = limits
        self.pages: dict[int, list[str]] = {}
        self.count = 0
        self.seen: set[str] = set()
        self.shortened = 0

    @property
    def full(self) -> bool:
        return self.count >= self.limits.max_form_fields

    def page(self, page: pdfium.PdfPage, index: int, check: Callable[[int], None]) -> list[str]:
        # Check boxes know their state only once the form has seen the page.
        pdfium_c.FORM_OnAfterLoadPage(page.raw, self.form)
        fields: list[FilledField] = []
        budget = self.limits.max_form_fields - self.count
        try:
            for position in range(pdfium_c.FPDFPage_GetAnnotCount(page.raw)):
                if position and position % _CHECK_EVERY_ANNOTS == 0:
                    check(index + 1)
                annot = pdfium_c.FPDFPage_GetAnnot(page.raw, position)
                try:
                    field = self._field(annot)
                finally:
                    pdfium_c.FPDFPage_CloseAnnot(annot)
                if field is not None:
                    fields.append(field)
                    budget -= bool(field.value)
                if budget == 0:
                    break
        finally:
            pdfium_c.FORM_OnBeforeClosePage(page.raw, self.form)
        lines = field_lines(fields)
        self.count += len(lines)
        return lines

    def notes(self) -> list[str]:
        notes = []
        if self.full:
            notes.append(f"PDF form: reading stopped at max_form_fields ({self.limits.max_form_fields} filled "
                         "fields); any further fields were not read")
        if self.shortened:
            notes.append(f"PDF form: {self.shortened} field value(s) cut to {self.limits.max_form_value_chars} "
                         "characters (max_form_value_chars)")
        return notes

    def _field(self, annot: pdfium_c.FPDF_ANNOTATION) -> FilledField | None:
        """A visible field; an unticked box comes back with no value, as its label helps name its siblings."""
        if pdfium_c.FPDFAnnot_GetSubtype(annot) != pdfium_c.FPDF_ANNOT_WIDGET:
            return None
        if pdfium_c.FPDFAnnot_GetFlags(annot) & _UNSEEN:
            return None
        kind = pdfium_c.FPDFAnnot_GetFormFieldType(self.form, annot)
        if kind in _VALUE_TYPES:
            value = one_line(_text(pdfium_c.FPDFAnnot_GetFormFieldValue, self.form, annot))
        elif kind in _CHOICE_TYPES and pdfium_c.FPDFAnnot_IsChecked(self.form, annot):
            value = _ticked_value(_text(pdfium_c.FPDFAnnot_GetFormFieldExportValue, self.form, annot))
        elif kind == pdfium_c.FPDF_FORMFIELD_CHECKBOX:
            value = ""
        else:
            return None
        name = _text(pdfium_c.FPDFAnnot_GetFormFieldName, self.form, annot)
        if value and name in self.seen:
            return None
        if value:
            self.seen.add(name)
        if len(value) > self.limits.max_form_value_chars:
            value = value[: self.limits.max_form_value_chars]
            self.shortened += 1
        label = field_label(_text(pdfium_c.FPDFAnnot_GetFormFieldAlternateName, self.form, annot), name)
        return FilledField(label, value, kind == pdfium_c.FPDF_FORMFIELD_CHECKBOX)


def _ticked_value(export: str) -> str:
    """The option's own name (`Open procedure`) when it has one; `1` or `On` only say the box is ticked."""
    has_words = any(char.isalpha() for char in export)
    return export if has_words and export.strip().lower() not in _TICKED else "Yes"


def _text(function: Callable[..., int], *args: object) -> str:
    """A UTF-16 string from one of pdfium's two-call getters (size first, then the text)."""
    size = function(*args, None, 0)
    if size <= 2:
        return ""
    buffer = ctypes.create_string_buffer(size)
    function(*args, ctypes.cast(buffer, ctypes.POINTER(pdfium_c.FPDF_WCHAR)), size)
    return buffer.raw[: size - 2].decode("utf-16-le", errors="replace")
