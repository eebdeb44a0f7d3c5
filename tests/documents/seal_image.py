"""The invented seal the tests press (``portal.documents.seals.drawn_seal``)."""


def seal_png() -> bytes:
    from portal.documents.seals import drawn_seal

    return drawn_seal()
