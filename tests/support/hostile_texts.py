"""Texts built to make a careless pattern backtrack: long runs of what an address, a
number or a poster's code is made of, without the part that would end them."""

from __future__ import annotations

import random

MEGABYTE = 1_000_000


def hostile_texts(length: int = MEGABYTE) -> dict[str, str]:
    """Each kind of hostile text, ``length`` characters long."""
    rng = random.Random(22)
    pieces = {
        "letters without @": "a",
        "an @ and no dot": "",
        "dots before one @": "a.",
        "many @": "@a",
        "many dotless domains": "x@x.",
        "digits and spaces": "1 ",
        "a digit and brackets": "(",
        "a poster's word and spaces": " ",
        "digits and dashes": "1-",
        "links": "http://",
    }
    heads = {
        "an @ and no dot": "a@",
        "a digit and brackets": "1",
        "a poster's word and spaces": "atelier",
    }
    texts = {}
    for name, piece in pieces.items():
        head = heads.get(name, "")
        body = (piece or "b") * (length // len(piece or "b"))
        texts[name] = (head + body)[: length - 1] + "x"
    texts["a mix of them"] = "".join(rng.choice("a@.-+ 1()/_x\n") for _ in range(length))
    return texts
