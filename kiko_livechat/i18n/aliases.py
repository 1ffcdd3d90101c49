"""Readable names for anonymous visitors ("Blaue Eule 4821" / "Blue Owl 4821").

A conversation stores only its alias key "<adjective>-<animal>-<number>", so every viewer
reads the same alias in their own language.
"""

import secrets

# German adjectives as stems: the ending follows the animal's gender (blaue Eule, blauer Fuchs,
# blaues Pferd), as written without an article.
_DE_ADJECTIVES = (
    "blau", "grün", "rot", "gelb", "flink", "klug", "mutig", "still",
    "heiter", "sanft", "wild", "kühn", "froh", "weis", "leis", "munter",
)  # fmt: skip
_DE_ENDINGS = {"f": "e", "m": "er", "n": "es"}
_DE_ANIMALS = (
    ("Eule", "f"), ("Fuchs", "m"), ("Dachs", "m"), ("Otter", "m"), ("Luchs", "m"), ("Biber", "m"),
    ("Igel", "m"), ("Falke", "m"), ("Robbe", "f"), ("Möwe", "f"), ("Katze", "f"), ("Kranich", "m"),
    ("Pferd", "n"), ("Reh", "n"), ("Eichhörnchen", "n"), ("Zebra", "n"),
)  # fmt: skip
_EN_ADJECTIVES = (
    "Blue", "Green", "Red", "Yellow", "Swift", "Clever", "Brave", "Quiet",
    "Cheerful", "Gentle", "Wild", "Bold", "Happy", "Wise", "Soft", "Lively",
)  # fmt: skip
_EN_ANIMALS = (
    "Owl", "Fox", "Badger", "Otter", "Lynx", "Beaver", "Hedgehog", "Falcon",
    "Seal", "Gull", "Cat", "Crane", "Horse", "Deer", "Squirrel", "Zebra",
)  # fmt: skip


def new_alias_key() -> str:
    """A random alias key; 16 x 16 x 9000 = 2.3 million combinations."""
    adjective = secrets.randbelow(len(_EN_ADJECTIVES))
    animal = secrets.randbelow(len(_EN_ANIMALS))
    return f"{adjective}-{animal}-{1000 + secrets.randbelow(9000)}"


def alias(key: str, locale: str) -> str:
    """The alias of `key` in `locale` (English for languages without a word list)."""
    try:
        adjective, animal, number = (int(part) for part in key.split("-"))
        if locale == "de":
            noun, gender = _DE_ANIMALS[animal]
            return f"{_DE_ADJECTIVES[adjective].capitalize()}{_DE_ENDINGS[gender]} {noun} {number}"
        return f"{_EN_ADJECTIVES[adjective]} {_EN_ANIMALS[animal]} {number}"
    except (ValueError, IndexError):
        return key


def display_name(name: str | None, alias_key: str, locale: str) -> str:
    """What a contact is called everywhere: their name, or else their alias."""
    return name or alias(alias_key, locale)
