"""Encodings real tender exports arrive in decode to the right text, Mac Roman included."""

from __future__ import annotations

import codecs

import pytest

from tenderflow_ingest.text_decoding import decode_text, plausibility

WESTERN_SAMPLES = [
    "Nom;Ville;Montant\nSociété Générale;Zürich;1 200 €\nCafé Müller;Genève;£300\n"
    "Crème brûlée;Besançon;45,50 €\n",
    "Lieferant,Ort,Betrag\nMüller GmbH,München,€ 3.400\nBäckerei Größ,Köln,€ 120\n",
    "Proveedor,Ciudad,Importe\nAlmacén Núñez,Logroño,1.500 €\nJosé Martín,Cádiz,£ 90\n",
    "name,price\nCafé,£3\nNaïve façade,€4\n",
    "organisme,contact\nÉCOLE NATIONALE,Élodie Lefèvre\nl’école du cœur,été\n",
    "Leverandør,By\nSkive Fjernvarme A.m.b.A.,Skive\nÅrhus Kommune,Århus\n",
]


@pytest.mark.parametrize("sample", WESTERN_SAMPLES)
@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "mac_roman"])
def test_western_text_decodes_exactly(sample: str, encoding: str) -> None:
    decoded = decode_text(sample.encode(encoding))
    assert decoded is not None
    assert decoded.text == sample


@pytest.mark.parametrize("encoding", ["cp1252", "mac_roman"])
def test_the_encoding_is_reported(encoding: str) -> None:
    decoded = decode_text(WESTERN_SAMPLES[0].encode(encoding))
    assert decoded is not None and decoded.encoding == codecs.lookup(encoding).name


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (codecs.BOM_UTF8 + "Société".encode(), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + "Société".encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + "Société".encode("utf-16-be"), "utf-16"),
    ],
)
def test_byte_order_marks_are_honoured(data: bytes, encoding: str) -> None:
    decoded = decode_text(data)
    assert decoded is not None and decoded.text.lstrip("\ufeff") == "Société"
    assert decoded.encoding == encoding


def test_cyrillic_is_left_to_charset_normalizer() -> None:
    text = "Поставщик;Город;Сумма\nООО Ромашка;Москва;1200\nИП Иванов;Санкт-Петербург;300\n"
    decoded = decode_text(text.encode("cp1251"))
    assert decoded is not None and decoded.text == text


def test_a_cut_off_multibyte_character_is_tolerated_only_when_partial() -> None:
    data = "Zürich".encode()[:2]
    assert decode_text(data, partial=True) is not None
    decoded = decode_text(data, partial=False)
    assert decoded is None or decoded.encoding != "utf-8"


def test_bytes_with_nul_are_not_text() -> None:
    assert decode_text(b"\x00\x01\x02binary\xff\xfe\x00") is None


def test_mojibake_scores_below_real_text() -> None:
    real = "Café Müller, Zürich"
    assert plausibility(real) > plausibility(real.encode("cp1252").decode("mac_roman"))
    assert plausibility(real) > plausibility(real.encode("mac_roman").decode("cp1252", errors="replace"))


def test_utf8_with_a_few_broken_bytes_stays_utf8() -> None:
    text = "Société Générale, Zürich, Genève, Besançon, Crème brûlée, Müller & Söhne, Logroño. " * 3
    data = text.encode() + b"\xff broken"
    decoded = decode_text(data)
    assert decoded is not None and decoded.encoding == "utf-8"
    assert decoded.text.startswith(text) and decoded.replaced == 1
    assert decoded.warnings() == ["1 undecodable byte sequences replaced"]


def test_a_legacy_encoding_is_not_mistaken_for_damaged_utf8() -> None:
    text = "Société Générale, Zürich, Genève, Besançon, Crème brûlée, Müller & Söhne, Logroño. " * 3
    decoded = decode_text(text.encode("cp1252"))
    assert decoded is not None and decoded.encoding == "cp1252" and decoded.text == text
