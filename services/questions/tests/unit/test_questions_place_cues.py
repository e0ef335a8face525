"""A place cue's own qualifier (`endereço eletrônico`) is part of the cue, not the place."""

from __future__ import annotations

from tenderflow_questions.answering.typed import read_place


def test_the_qualifier_of_an_address_cue_is_not_the_place() -> None:
    assert read_place("PROCESSADO NO ENDEREÇO ELETRÔNICO\nHTTPS://BNC.ORG.BR/ _\n")[0] == "HTTPS://BNC.ORG.BR/"
    assert read_place("submitted at the electronic address: www.bids.example.org\n")[0] == "www.bids.example.org"


def test_a_plain_address_cue_still_reads_the_place() -> None:
    assert read_place("entregues no seguinte endereço: Rua Central, 12\n")[0] == "Rua Central, 12"
